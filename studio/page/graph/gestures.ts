import type { Point, StudioEdge, StudioModel, StudioNode } from '../../protocol.js';
import { s } from '../dom.js';
import { pathOf, type Placement } from './place.js';
import { portPoint, portsOf, type PortSpot } from './ports.js';
import type { DragLayer } from './lift.js';
import type { Viewport } from './viewport.js';

/** A press that moves less than this many pixels is a click. */
const CLICK_SLOP = 4;

/** What the pointer gestures read of the graph and what they ask of it. */
export interface GestureHost {
  readonly svg: SVGSVGElement;
  /** Over the graph: what is dragged, and the line drawn while connecting. */
  readonly dragLayer: DragLayer;
  readonly viewport: Viewport;
  model(): StudioModel | undefined;
  placement(): Placement | undefined;
  node(id: string): StudioNode | undefined;
  /** A block starts to be dragged. */
  grab(id: string): void;
  /** A block dragged: drawn where the pointer takes it, nothing sent yet. */
  moving(id: string, at: Point): void;
  /** A block dropped: pinned at `at`; undefined when the drag was called off (it goes back). */
  release(id: string, at: Point | undefined): void;
  /** A port dropped on a block. */
  connect(from: PortSpot, to: string): void;
  /** An edge's end dropped on another block. */
  reconnect(edge: StudioEdge, to: string): void;
  /** A "+" clicked without dragging: the way is added, open. */
  add(from: PortSpot & { kind: 'add' }): void;
  /** An edge clicked (undefined: the background). */
  pick(edge: string | undefined): void;
}

type Gesture =
  | { kind: 'pan'; last: Point; edge: string | undefined }
  | { kind: 'move'; id: string; grab: Point }
  | { kind: 'connect'; from: PortSpot; start: Point }
  | { kind: 'reconnect'; edge: StudioEdge; start: Point };

/**
 * The canvas's pointer gestures: drag the background to pan, a block to move it, a port or an
 * edge's end to a block to connect; a click on an edge picks it. Moving a block redraws only it
 * and its edges; nothing reaches the server until the drop.
 */
export function installGestures(host: GestureHost): void {
  const { svg, dragLayer, viewport } = host;
  let gesture: Gesture | undefined;
  let pressed: Point | undefined;
  let dragging = false;
  let target: SVGGElement | undefined;
  const line = s('path', { class: 'live-line' });

  /** The block a point is over, as a connection's end: a "go to" pill stands for its target. */
  const dropTarget = (clientX: number, clientY: number): { element: SVGGElement; id: string } | undefined => {
    const element = document.elementFromPoint(clientX, clientY)?.closest<SVGGElement>('g.node');
    const node = element?.dataset.id === undefined ? undefined : host.node(element.dataset.id);
    if (!element || !node) return undefined;
    if (node.kind === 'block') return { element, id: node.id };
    if (node.kind === 'jump' && node.goesTo !== undefined) {
      const goesTo = host.node(node.goesTo);
      return goesTo?.kind === 'block' ? { element, id: goesTo.id } : undefined;
    }
    return undefined;
  };
  const highlight = (element: SVGGElement | undefined) => {
    if (target === element) return;
    target?.classList.remove('drop-target');
    element?.classList.add('drop-target');
    target = element;
  };

  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const element = event.target instanceof Element ? event.target : undefined;
    const at = viewport.toGraph(event.clientX, event.clientY);
    gesture = start(element, at);
    pressed = { x: event.clientX, y: event.clientY };
    dragging = false;
  });

  const start = (element: Element | undefined, at: Point): Gesture => {
    const portElement = element?.closest<SVGGElement>('g.port');
    const owner = portElement?.closest<SVGGElement>('g.ports')?.dataset.id;
    const model = host.model();
    const placement = host.placement();
    if (portElement && owner !== undefined && model && placement) {
      const node = host.node(owner);
      const spot = node && portsOf(node, model).find((port) => sameSpot(port, portElement));
      const box = placement.box(owner);
      if (node && spot && box) return { kind: 'connect', from: spot, start: portPoint(node, box, spot.slot) };
    }
    const edgeElement = element?.closest<SVGGElement>('g.edge');
    const edge = model?.edges.find((e) => e.id === edgeElement?.dataset.id);
    if (element?.classList.contains('end') && edge && placement) {
      const points = placement.route(edge).points;
      const first = points[0];
      if (first) return { kind: 'reconnect', edge, start: first };
    }
    const nodeElement = element?.closest<SVGGElement>('g.node');
    const node = nodeElement?.dataset.id === undefined ? undefined : host.node(nodeElement.dataset.id);
    const box = node && placement?.box(node.id);
    if (node?.kind === 'block' && box) {
      return { kind: 'move', id: node.id, grab: { x: at.x - box.x, y: at.y - box.y } };
    }
    return { kind: 'pan', last: at, edge: edge?.id };
  };

  svg.addEventListener('pointermove', (event) => {
    if (!gesture || !pressed) return;
    if (!dragging && Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) < CLICK_SLOP) return;
    if (!dragging) {
      // Captured only once it is a drag: a click must still reach the node it was made on.
      svg.setPointerCapture(event.pointerId);
      dragging = true;
    }
    const at = viewport.toGraph(event.clientX, event.clientY);
    switch (gesture.kind) {
      case 'pan':
        svg.classList.add('panning');
        // In screen pixels: the view moves under the pointer, so graph points would drift.
        viewport.panBy(event.clientX - pressed.x, event.clientY - pressed.y);
        pressed = { x: event.clientX, y: event.clientY };
        return;
      case 'move':
        if (!svg.classList.contains('moving')) {
          svg.classList.add('moving');
          host.grab(gesture.id);
        }
        host.moving(gesture.id, { x: at.x - gesture.grab.x, y: at.y - gesture.grab.y });
        return;
      case 'connect':
      case 'reconnect':
        line.setAttribute('d', pathOf([gesture.start, at]));
        if (!line.isConnected) dragLayer.content.append(line);
        svg.classList.add('connecting');
        highlight(dropTarget(event.clientX, event.clientY)?.element);
        return;
    }
  });

  const finish = (event: PointerEvent, cancelled: boolean) => {
    const done = gesture;
    const wasDragging = dragging;
    gesture = undefined;
    pressed = undefined;
    dragging = false;
    line.remove();
    highlight(undefined);
    svg.classList.remove('panning', 'moving', 'connecting');
    if (done?.kind === 'move' && wasDragging && cancelled) host.release(done.id, undefined);
    if (!done || cancelled) return;
    const at = viewport.toGraph(event.clientX, event.clientY);
    if (!wasDragging) {
      // A click: nodes answer their own clicks; a "+" adds its way open; an edge is picked.
      if (done.kind === 'connect' && done.from.kind === 'add') host.add(done.from);
      else if (done.kind === 'pan') host.pick(done.edge);
      return;
    }
    swallowNextClick(svg);
    switch (done.kind) {
      case 'pan':
        return;
      case 'move':
        host.release(done.id, { x: at.x - done.grab.x, y: at.y - done.grab.y });
        return;
      case 'connect':
      case 'reconnect': {
        // Dropped on the background (or on no block): nothing happens.
        const dropped = dropTarget(event.clientX, event.clientY);
        if (!dropped) return;
        if (done.kind === 'connect') host.connect(done.from, dropped.id);
        else host.reconnect(done.edge, dropped.id);
      }
    }
  };
  svg.addEventListener('pointerup', (event) => {
    finish(event, false);
  });
  svg.addEventListener('pointercancel', (event) => {
    finish(event, true);
  });
  // Escape while dragging drops nothing.
  svg.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== 'Escape' || !gesture || !dragging) return;
      const done = gesture;
      gesture = undefined;
      if (done.kind === 'move') host.release(done.id, undefined);
      line.remove();
      highlight(undefined);
      svg.classList.remove('moving', 'connecting');
      event.stopPropagation();
    },
    { capture: true },
  );
}

/** The click that ends a drag is not a click on what it was dropped on. */
export function swallowNextClick(element: Element): void {
  const swallow = (event: Event) => {
    event.stopImmediatePropagation();
    event.preventDefault();
  };
  element.addEventListener('click', swallow, { capture: true, once: true });
  // A drag that ends where no click follows: the next click is a real one.
  setTimeout(() => {
    element.removeEventListener('click', swallow, { capture: true });
  }, 0);
}

function sameSpot(spot: PortSpot, element: SVGGElement): boolean {
  return spot.kind === 'add' ? element.dataset.add === spot.way : element.dataset.port === spot.path;
}
