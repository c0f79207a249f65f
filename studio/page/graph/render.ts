import type { StudioEdge, StudioModel, StudioNode } from '../../protocol.js';
import { s } from '../dom.js';
import { edgeRouted } from './funnel.js';
import { lookOf } from './look.js';
import { pathOf, type Placement } from './place.js';
import { addWords, portPoint, portsOf, wayName, type PortSpot } from './ports.js';

/** The drawn graph: one element per node and per edge, by id, for marks to find. */
export interface Drawing {
  readonly nodes: ReadonlyMap<string, SVGGElement>;
  readonly edges: ReadonlyMap<string, SVGGElement>;
  /** The ports of each node that has any, by node id: moved with their node. */
  readonly ports: ReadonlyMap<string, SVGGElement>;
}

/** Widths of the node's text at its font sizes, near enough to cut text before it overflows. */
const ID_CHAR = 7.8;
const SUMMARY_CHAR = 6.6;
const PADDING = 12;
const ICON = 22;

/** Ways out taken when something fails: drawn dashed so the happy path stands out. */
const FAILURE_LABELS = new Set(['error', 'on_error', 'invalid', 'timeout', 'network', '5xx', '4xx']);

/** Cuts text to what fits in `width` pixels, ending it with an ellipsis. */
export function ellipsis(text: string, width: number, charWidth: number): string {
  const fits = Math.max(1, Math.floor(width / charWidth));
  return text.length > fits ? `${text.slice(0, fits - 1)}…` : text;
}

/** What a screen reader says for a node; it starts with the block's id, as tests look it up. */
export function nodeName(node: StudioNode, model: StudioModel): string {
  const what = node.kind === 'block' && node.summary !== '' ? `: ${node.summary}` : '';
  const parts = [`${shownId(node)} — ${lookOf(node).title}${what}`];
  if (node.writes.length > 0) parts.push(`writes ${node.writes.join(', ')}`);
  if (!node.reachable) parts.push('unreachable');
  const problems = problemCounts(node, model);
  if (problems.errors > 0) parts.push(plural(problems.errors, 'error'));
  if (problems.warnings > 0) parts.push(plural(problems.warnings, 'warning'));
  return parts.join(', ');
}

export const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The id a designer knows a node by: a missing block's own id, a marker's keyword. */
export function shownId(node: StudioNode): string {
  switch (node.kind) {
    case 'missing':
      return node.summary;
    case 'start':
      return 'start';
    case 'on_error':
      return 'on_error';
    case 'jump':
      return `↪ ${node.summary}`;
    case 'block':
      return node.id;
  }
}

export function problemCounts(node: StudioNode, model: StudioModel): { errors: number; warnings: number } {
  const severities = node.problems.map((index) => model.problems[index]?.severity);
  return {
    errors: severities.filter((severity) => severity === 'error').length,
    warnings: severities.filter((severity) => severity === 'warning').length,
  };
}

/** The layers the graph is drawn in, bottom to top. */
export interface Layers {
  readonly edges: SVGGElement;
  readonly nodes: SVGGElement;
  readonly ports: SVGGElement;
}

/** What each drawn element was drawn from: one whose source has not changed is kept as it is. */
const drawnFrom = new WeakMap<Element, string>();

/**
 * Draws every edge, then every node above them, then the nodes' ports, each where `placement`
 * puts it. Elements of `previous` whose node or edge has not changed are kept, so an edit of one
 * block's text redraws that block only (a whole 300-block graph costs the browser 150 ms).
 */
export function drawModel(
  model: StudioModel,
  placement: Placement,
  layers: Layers,
  previous?: Drawing,
): Drawing {
  const kinds = new Map(model.nodes.map((node) => [node.id, node.kind]));
  const names = new Map(model.nodes.map((node) => [node.id, shownId(node)]));
  const edges = new Map(
    model.edges.map((edge) => {
      const targetKind = kinds.get(edge.to);
      const source = JSON.stringify([edge, targetKind]);
      return [edge.id, reuse(previous?.edges, edge.id, source, () => drawEdge(edge, targetKind))];
    }),
  );
  const nodes = new Map(
    model.nodes.map((node) => {
      const severities = node.problems.map((index) => model.problems[index]?.severity);
      const source = JSON.stringify([node, severities]);
      return [node.id, reuse(previous?.nodes, node.id, source, () => drawNode(node, model))];
    }),
  );
  const ports = new Map(
    model.nodes.flatMap((node) => {
      const spots = portsOf(node, model);
      if (spots.length === 0) return [];
      const targets = spots.map((spot) =>
        spot.kind === 'way' && spot.target !== undefined ? names.get(spot.target) : '',
      );
      const source = JSON.stringify([node.id, node.x, node.y, node.width, node.height, spots, targets]);
      return [
        [node.id, reuse(previous?.ports, node.id, source, () => drawPorts(node, spots, names))] as const,
      ];
    }),
  );
  const drawing = { nodes, edges, ports };
  for (const edge of model.edges) routeEdge(drawing, placement, edge);
  for (const id of nodes.keys()) placeNode(drawing, placement, id);
  keepOnly(layers.edges, edges.values());
  keepOnly(layers.nodes, nodes.values());
  keepOnly(layers.ports, ports.values());
  return drawing;
}

function reuse<T extends Element>(
  previous: ReadonlyMap<string, T> | undefined,
  id: string,
  source: string,
  draw: () => T,
): T {
  const old = previous?.get(id);
  if (old && drawnFrom.get(old) === source) return old;
  const element = draw();
  drawnFrom.set(element, source);
  return element;
}

/** Leaves `elements` in the layer: the others are removed, the new ones added on top. */
function keepOnly(layer: SVGGElement, elements: Iterable<Element>): void {
  const kept = new Set(elements);
  const stale = [...layer.children].filter((child) => !kept.has(child));
  // Removing one by one costs more than replacing the lot once many have changed (a new layout).
  if (stale.length > kept.size / 4) {
    layer.replaceChildren(...kept);
    return;
  }
  for (const child of stale) child.remove();
  for (const element of kept) if (element.parentNode !== layer) layer.append(element);
}

/** Moves the drawn nodes `moved` where `placement` now puts them, and redraws their edges only. */
export function redrawMoved(drawing: Drawing, placement: Placement, moved: readonly string[]): void {
  for (const id of moved) placeNode(drawing, placement, id);
  for (const edge of placement.edgesAround(moved)) routeEdge(drawing, placement, edge);
}

/**
 * Sets an attribute only when it changes: any geometry change makes Chromium lay the whole SVG
 * out again (tens of milliseconds at 300 blocks), so a value already there is not set again.
 */
function set(element: Element, name: string, value: string | null): void {
  if (element.getAttribute(name) === value) return;
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}

function placeNode(drawing: Drawing, placement: Placement, id: string): void {
  const { x, y } = placement.offset(id);
  const transform = x === 0 && y === 0 ? null : `translate(${x} ${y})`;
  for (const element of [drawing.nodes.get(id), drawing.ports.get(id)]) {
    if (element) set(element, 'transform', transform);
  }
}

function routeEdge(drawing: Drawing, placement: Placement, edge: StudioEdge): void {
  const group = drawing.edges.get(edge.id);
  if (!group) return;
  const { points, labelBox } = placement.route(edge);
  const d = pathOf(points);
  for (const path of group.querySelectorAll('path')) set(path, 'd', d);
  const start = points[0];
  if (start) edgeRouted(group, start);
  const end = points.at(-1);
  const handle = group.querySelector('.end');
  if (end && handle) {
    set(handle, 'cx', String(end.x));
    set(handle, 'cy', String(end.y));
  }
  const rect = group.querySelector('.label rect');
  const text = group.querySelector('.label text');
  if (rect && text && labelBox) {
    set(rect, 'x', String(labelBox.x));
    set(rect, 'y', String(labelBox.y));
    set(text, 'x', String(labelBox.x + labelBox.width / 2));
    set(text, 'y', String(labelBox.y + labelBox.height / 2));
  }
}

function drawEdge(edge: StudioEdge, targetKind: StudioNode['kind'] | undefined): SVGGElement {
  const classes = ['edge'];
  if (FAILURE_LABELS.has(edge.label)) classes.push('failure');
  if (targetKind === 'missing') classes.push('broken');
  const group = s('g', {
    class: classes.join(' '),
    'data-id': edge.id,
    'data-from': edge.from,
    'data-to': edge.to,
    'data-target': edge.target,
    'data-path': edge.path,
  });
  // A wide invisible line to click, the line itself, and a handle on its end to drag elsewhere.
  group.append(s('path', { class: 'hit' }), s('path', { class: 'line' }));
  if (edge.labelBox && edge.label !== '') {
    const box = edge.labelBox;
    group.append(
      s(
        'g',
        { class: 'label' },
        s('rect', { width: box.width, height: box.height, rx: 4 }),
        s('text', {}, edge.label),
      ),
    );
  }
  group.append(s('circle', { class: 'end', r: 6 }));
  return group;
}

/** A node's ports on its right edge: a dot for each way out (hollow while open), a "+" per way to add. */
function drawPorts(
  node: StudioNode,
  spots: readonly PortSpot[],
  names: ReadonlyMap<string, string>,
): SVGGElement {
  const group = s('g', { class: 'ports', 'data-id': node.id });
  const owner = shownId(node);
  for (const spot of spots) {
    const { x, y } = portPoint(node, node, spot.slot);
    if (spot.kind === 'add') {
      group.append(
        s(
          'g',
          {
            class: 'port add',
            'data-add': spot.way,
            role: 'button',
            'aria-label': `${owner}: add ${addWords(spot.way)}`,
          },
          s('title', {}, `Drag to a block to add ${addWords(spot.way)} leading there; click to add it open`),
          s('circle', { cx: x, cy: y, r: 6 }),
          s('path', { d: `M${x - 3} ${y}h6M${x} ${y - 3}v6` }),
        ),
      );
      continue;
    }
    const name = wayName(spot.path, spot.label);
    const target = spot.target === undefined ? 'not connected' : `→ ${names.get(spot.target) ?? spot.target}`;
    const port = s(
      'g',
      {
        class: `port way${spot.target === undefined ? ' open' : ''}`,
        'data-port': spot.path,
        role: 'button',
        'aria-label': `${owner}: way out ${name} ${target}`,
      },
      s('title', {}, `${name}: drag to a block to connect`),
      s('circle', { cx: x, cy: y, r: 5 }),
    );
    // An open way has no edge to carry its label: the port says it.
    if (spot.target === undefined) {
      port.append(s('text', { x: x + 9, y }, ellipsis(name, 120, SUMMARY_CHAR)));
    }
    group.append(port);
  }
  return group;
}

function drawNode(node: StudioNode, model: StudioModel): SVGGElement {
  const look = lookOf(node);
  const classes = ['node', node.kind, `look-${look.name}`];
  if (!node.reachable) classes.push('unreachable');
  if (!node.valid) classes.push('invalid');
  const group = s('g', {
    class: classes.join(' '),
    'data-id': node.id,
    role: 'button',
    tabindex: 0,
    'aria-label': nodeName(node, model),
  });
  const { x, y, width, height } = node;
  // Markers and jumps are pills with one word: the marker's keyword, the jump's target.
  const marker = node.kind === 'start' || node.kind === 'on_error' || node.kind === 'jump';
  group.append(
    s('rect', { class: 'body', x, y, width, height, rx: marker ? height / 2 : 8 }),
    s('rect', { class: 'chip', x: x + 8, y: y + (marker ? 7 : 10), width: ICON, height: ICON, rx: 6 }),
    s('path', {
      class: 'icon',
      d: look.icon,
      transform: `translate(${x + 11} ${y + (marker ? 10 : 13)})`,
    }),
  );
  if (marker) {
    const word = node.kind === 'jump' ? shownId(node) : look.title;
    group.append(s('text', { class: 'id marker-word', x: x + 35, y: y + height / 2 }, word));
    return group;
  }
  const typeWord = node.kind === 'missing' ? 'missing' : node.type || 'no type';
  const idRoom = width - 40 - PADDING - typeWord.length * 6.2;
  group.append(
    s('text', { class: 'id', x: x + 38, y: y + 22 }, ellipsis(shownId(node), idRoom, ID_CHAR)),
    s('text', { class: 'type', x: x + width - PADDING, y: y + 22 }, typeWord),
  );
  const summary = node.kind === 'missing' ? 'no block has this id' : node.summary;
  if (summary !== '') {
    group.append(
      s(
        'text',
        { class: 'summary', x: x + PADDING, y: y + 48 },
        ellipsis(summary, width - 2 * PADDING, SUMMARY_CHAR),
      ),
    );
  }
  if (node.writes.length > 0) {
    group.append(
      s(
        'text',
        { class: 'writes', x: x + PADDING, y: y + 70 },
        ellipsis(`writes ${node.writes.join(', ')}`, width - 2 * PADDING, SUMMARY_CHAR),
      ),
    );
  }
  if (!node.reachable) {
    group.append(
      s(
        'g',
        { class: 'tag' },
        s('rect', { x: x + 10, y: y - 8, width: 78, height: 16, rx: 8 }),
        s('text', { x: x + 49, y }, 'unreachable'),
      ),
    );
  }
  const { errors, warnings } = problemCounts(node, model);
  if (errors + warnings > 0) {
    group.append(
      s(
        'g',
        { class: `badge ${errors > 0 ? 'error' : 'warning'}` },
        s('circle', { cx: x + width, cy: y, r: 10 }),
        s('text', { x: x + width, y }, String(errors + warnings)),
      ),
    );
  }
  group.append(s('title', {}, `${shownId(node)} (${typeWord})${summary === '' ? '' : `\n${summary}`}`));
  return group;
}
