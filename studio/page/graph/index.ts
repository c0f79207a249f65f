import './graph.css';
import type { StudioModel, StudioNode } from '../../protocol.js';
import type { App } from '../app.js';
import { h, s } from '../dom.js';
import type { State } from '../store.js';
import { LEGEND } from './look.js';
import { Minimap } from './minimap.js';
import { ARROWS, neighbour } from './navigate.js';
import { drawModel, plural, shownId, type Drawing } from './render.js';
import { Viewport } from './viewport.js';

const ZOOM_STEP = 1.25;
const PAN_STEP = 80;

/**
 * The flow as plain SVG, from the server's layout: nodes and edges are drawn once per model; pan,
 * zoom, the minimap and the marks (selection, simulator, coverage) change attributes only.
 */
export function mountGraph(canvas: HTMLElement, header: HTMLElement, app: App): void {
  const edgeLayer = s('g', { class: 'edges' });
  const nodeLayer = s('g', { class: 'nodes' });
  const content = s('g', { class: 'viewport' }, edgeLayer, nodeLayer);
  const svg = s(
    'svg',
    {
      class: 'graph',
      tabindex: 0,
      'aria-label': 'Flow graph: drag or use the arrow keys to move, + and − to zoom, 0 to fit',
    },
    s('defs', {}, arrowhead()),
    content,
  );
  const zoomLevel = h('output', { class: 'zoom-level', 'aria-label': 'Zoom level' }, '100%');
  const minimap = new Minimap((at) => {
    viewport.centre(at);
  });
  const viewport = new Viewport(svg, content, (view, scale) => {
    minimap.show(view);
    zoomLevel.textContent = `${Math.round(scale * 100)}%`;
  });
  // Said on the canvas when there is nothing to draw, so an empty page never looks like a failure.
  const showProblems = h('button', { type: 'button' }, 'See the problems');
  showProblems.addEventListener('click', () => {
    app.show('Problems');
  });
  const emptyNote = h('p', { class: 'empty-note', role: 'status', hidden: true });
  canvas.append(svg, legend(), minimap.element, emptyNote);

  let model: StudioModel | undefined;
  let drawing: Drawing = { nodes: new Map(), edges: new Map() };
  const nodeById = new Map<string, StudioNode>();
  const bounds = () => ({ x: 0, y: 0, width: model?.width ?? 1, height: model?.height ?? 1 });

  /** Centres a node, selects it and gives it the keyboard focus: what search and links do. */
  const jumpTo = (id: string) => {
    const node = nodeById.get(id);
    if (!node) return;
    viewport.centre({ x: node.x + node.width / 2, y: node.y + node.height / 2 });
    app.select(id);
    drawing.nodes.get(id)?.focus({ preventScroll: true });
  };

  header.append(
    searchBox(() => model?.nodes ?? [], jumpTo),
    zoomControls(viewport, bounds, zoomLevel),
  );

  app.store.subscribe((state, previous) => {
    if (state.model !== previous.model && state.model) {
      const focused = document.activeElement?.closest<SVGGElement>('.node')?.dataset.id;
      const first = model === undefined;
      model = state.model;
      nodeById.clear();
      for (const node of model.nodes) nodeById.set(node.id, node);
      drawing = drawModel(model, edgeLayer, nodeLayer);
      emptyNote.hidden = model.nodes.length > 0;
      emptyNote.replaceChildren(
        `Nothing to draw: the script ${model.problems.length > 0 ? `has ${plural(model.problems.length, 'problem')}` : 'has no blocks'}. `,
        ...(model.problems.length > 0 ? [showProblems] : []),
      );
      minimap.draw(model);
      if (first) viewport.open(bounds(), model.nodes.find((node) => node.kind === 'start') ?? model.nodes[0]);
      else viewport.apply();
      if (focused !== undefined) drawing.nodes.get(focused)?.focus({ preventScroll: true });
      canvas.dataset.revision = String(model.revision);
    }
    if (state !== previous) mark(drawing, state);
    const selected = state.selected === undefined ? undefined : nodeById.get(state.selected);
    if (selected && state.selected !== previous.selected && !viewport.shows(selected)) {
      viewport.centre({ x: selected.x + selected.width / 2, y: selected.y + selected.height / 2 });
    }
  });

  /** A jump stands for its target: clicking it goes there. */
  const choose = (node: StudioNode) => {
    if (node.goesTo === undefined) app.select(node.id);
    else jumpTo(node.goesTo);
  };
  nodeLayer.addEventListener('click', (event) => {
    const id = nodeOf(event.target)?.dataset.id;
    const node = id === undefined ? undefined : nodeById.get(id);
    if (node) choose(node);
  });
  nodeLayer.addEventListener('keydown', (event) => {
    const element = nodeOf(event.target);
    const node = element?.dataset.id === undefined ? undefined : nodeById.get(element.dataset.id);
    if (!node || !model) return;
    const direction = ARROWS[event.key];
    if (event.key === 'Enter' || event.key === ' ') {
      choose(node);
    } else if (event.key === 'Escape') {
      app.select(undefined);
    } else if (direction) {
      const next = neighbour(model, node, direction);
      if (next) {
        if (!viewport.shows(next))
          viewport.centre({ x: next.x + next.width / 2, y: next.y + next.height / 2 });
        drawing.nodes.get(next.id)?.focus({ preventScroll: true });
      }
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });
  // On the svg, which is focusable anyway: Chromium makes an SVG group with focus listeners a tab stop.
  svg.addEventListener('focusin', (event) => {
    const id = nodeOf(event.target)?.dataset.id;
    const node = id === undefined ? undefined : nodeById.get(id);
    if (node && !viewport.shows(node))
      viewport.centre({ x: node.x + node.width / 2, y: node.y + node.height / 2 });
  });

  svg.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const direction = ARROWS[event.key];
    if (event.key === '+' || event.key === '=') viewport.zoomAt(ZOOM_STEP);
    else if (event.key === '-' || event.key === '_') viewport.zoomAt(1 / ZOOM_STEP);
    else if (event.key === '0') viewport.fit(bounds());
    else if (direction && event.target === svg) {
      const pan = { left: [PAN_STEP, 0], right: [-PAN_STEP, 0], up: [0, PAN_STEP], down: [0, -PAN_STEP] }[
        direction
      ];
      viewport.panBy(pan[0] ?? 0, pan[1] ?? 0);
    } else return;
    event.preventDefault();
  });
  svg.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      // Pinch on a trackpad arrives as a wheel event with ctrlKey set.
      if (event.ctrlKey || event.metaKey)
        viewport.zoomAt(Math.exp(-event.deltaY / 300), event.clientX, event.clientY);
      else viewport.panBy(-event.deltaX, -event.deltaY);
    },
    { passive: false },
  );
  let drag: { x: number; y: number } | undefined;
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || nodeOf(event.target)) return;
    drag = { x: event.clientX, y: event.clientY };
    svg.setPointerCapture(event.pointerId);
    svg.classList.add('panning');
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    viewport.panBy(event.clientX - drag.x, event.clientY - drag.y);
    drag = { x: event.clientX, y: event.clientY };
  });
  const endDrag = () => {
    drag = undefined;
    svg.classList.remove('panning');
  };
  svg.addEventListener('pointerup', endDrag);
  svg.addEventListener('pointercancel', endDrag);
  new ResizeObserver(() => {
    viewport.apply();
  }).observe(svg);
}

function nodeOf(target: EventTarget | null): SVGGElement | undefined {
  return target instanceof Element ? (target.closest<SVGGElement>('g.node') ?? undefined) : undefined;
}

/** One arrowhead for every edge: it takes the colour of the line it ends (SVG 2 context-stroke). */
function arrowhead(): SVGMarkerElement {
  return s(
    'marker',
    {
      id: 'arrow',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: 'auto-start-reverse',
    },
    s('path', { d: 'M0 0L10 5L0 10z', fill: 'context-stroke' }),
  );
}

/** Sets the classes of the marks: the selection, the simulator's path, what coverage reached. */
function mark(drawing: Drawing, state: State): void {
  const { selected, run, coverage } = state;
  for (const [id, element] of drawing.nodes) {
    const block = element.classList.contains('block');
    element.classList.toggle('selected', id === selected);
    element.classList.toggle('current', run?.at === id);
    if (run?.at === id) element.setAttribute('aria-current', 'step');
    else element.removeAttribute('aria-current');
    element.classList.toggle('visited', run?.blocks.has(id) ?? false);
    element.classList.toggle('reached', block && (coverage?.blocks.has(id) ?? false));
    element.classList.toggle('unreached', block && coverage !== undefined && !coverage.blocks.has(id));
  }
  for (const [id, element] of drawing.edges) {
    const fromBlock = drawing.nodes.get(element.dataset.from ?? '')?.classList.contains('block') ?? false;
    element.classList.toggle(
      'selected',
      selected !== undefined && (element.dataset.from === selected || element.dataset.to === selected),
    );
    element.classList.toggle('visited', run?.edges.has(id) ?? false);
    element.classList.toggle('reached', fromBlock && (coverage?.edges.has(id) ?? false));
    element.classList.toggle('unreached', fromBlock && coverage !== undefined && !coverage.edges.has(id));
  }
}

function searchBox(nodes: () => readonly StudioNode[], jumpTo: (id: string) => void): HTMLElement {
  const input = h('input', {
    type: 'search',
    id: 'find-block',
    list: 'find-block-ids',
    placeholder: 'Find a block',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const suggestions = h('datalist', { id: 'find-block-ids' });
  const status = h('span', { class: 'find-status', role: 'status' });
  const findings = () => {
    const query = input.value.trim().toLowerCase();
    const ids = nodes().map((node) => ({ id: node.id, name: shownId(node) }));
    return [
      ...ids.filter((node) => node.name.toLowerCase() === query),
      ...ids.filter((node) => node.name.toLowerCase().startsWith(query)),
      ...ids.filter((node) => node.name.toLowerCase().includes(query)),
    ];
  };
  const go = () => {
    const found = input.value.trim() === '' ? undefined : findings()[0];
    status.textContent =
      found || input.value.trim() === '' ? '' : `No block matches “${input.value.trim()}”.`;
    input.setAttribute('aria-invalid', String(!found && input.value.trim() !== ''));
    if (found) jumpTo(found.id);
  };
  input.addEventListener('focus', () => {
    suggestions.replaceChildren(
      ...nodes()
        .filter((node) => node.kind === 'block' || node.kind === 'missing')
        .map((node) => h('option', { value: shownId(node) })),
    );
  });
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    go();
  });
  // Picking a suggestion replaces the whole text: jump at once, as Enter would.
  input.addEventListener('input', (event) => {
    if (!(event instanceof InputEvent) || event.inputType === 'insertReplacementText') go();
  });
  return h(
    'div',
    { class: 'find', role: 'search' },
    h('label', { for: 'find-block' }, 'Find a block'),
    input,
    suggestions,
    status,
  );
}

function zoomControls(
  viewport: Viewport,
  bounds: () => { x: number; y: number; width: number; height: number },
  level: HTMLOutputElement,
): HTMLElement {
  const button = (label: string, text: string, action: () => void) => {
    const element = h('button', { type: 'button', 'aria-label': label, title: label }, text);
    element.addEventListener('click', action);
    return element;
  };
  return h(
    'div',
    { class: 'zoom', role: 'group', 'aria-label': 'View' },
    button('Zoom out', '−', () => {
      viewport.zoomAt(1 / ZOOM_STEP);
    }),
    level,
    button('Zoom in', '+', () => {
      viewport.zoomAt(ZOOM_STEP);
    }),
    button('Fit', 'Fit', () => {
      viewport.fit(bounds());
    }),
  );
}

function legend(): HTMLElement {
  return h(
    'details',
    { class: 'legend' },
    h('summary', {}, 'Legend'),
    h(
      'ul',
      {},
      ...LEGEND.map((look) => h('li', { class: `look-${look.name}` }, swatch(look.icon), look.title)),
      h('li', { class: 'unreachable' }, swatch(''), 'unreachable: no way leads here'),
      h('li', { class: 'badge-error' }, swatch(''), 'problems (error)'),
      h('li', { class: 'badge-warning' }, swatch(''), 'problems (warnings only)'),
    ),
  );
}

function swatch(icon: string): SVGSVGElement {
  return s(
    'svg',
    { class: 'swatch', viewBox: '0 0 22 22', width: 18, height: 18, 'aria-hidden': 'true' },
    s('rect', { class: 'chip', x: 0, y: 0, width: 22, height: 22, rx: 6 }),
    s('path', { class: 'icon', d: icon, transform: 'translate(3 3)' }),
  );
}
