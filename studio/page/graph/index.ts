import './graph.css';
import type { StudioModel, StudioNode } from '../../protocol.js';
import type { App } from '../app.js';
import { h, s } from '../dom.js';
import type { FunnelMarks, State } from '../store.js';
import { installClipboard } from './clipboard.js';
import { installGestures } from './gestures.js';
import { overlayFunnel } from './funnel.js';
import { DragLayer } from './lift.js';
import { LEGEND } from './look.js';
import { Minimap } from './minimap.js';
import { ARROWS, neighbour } from './navigate.js';
import { palette } from './palette.js';
import { keepPins, withPin } from './pins.js';
import { Placement } from './place.js';
import { isEntry } from './ports.js';
import { drawModel, plural, redrawMoved, shownId, type Drawing } from './render.js';
import { Viewport } from './viewport.js';

const ZOOM_STEP = 1.25;
const PAN_STEP = 80;
/** How far Alt+arrow moves the selected block. */
const NUDGE = 20;
/** How long a note on the canvas stays. */
const NOTE_MS = 8000;

/** The Block tab's id field: F2 on a block goes there to rename it. */
export const BLOCK_ID_FIELD = 'block-id';

/**
 * The flow as plain SVG, from the server's layout and the designer's pins: nodes and edges are
 * drawn once per model; pan, zoom, the minimap and the marks (selection, simulator, coverage)
 * change attributes only, the funnel adds its counts to the drawn elements, and moving a block
 * redraws that block and its edges only. Every operation on the canvas is an edit of the script's
 * text (`app.edit`); the next model redraws.
 */
export function mountGraph(canvas: HTMLElement, header: HTMLElement, app: App): void {
  const edgeLayer = s('g', { class: 'edges' });
  const nodeLayer = s('g', { class: 'nodes' });
  const portLayer = s('g', { class: 'ports-layer' });
  const content = s('g', { class: 'viewport' }, edgeLayer, nodeLayer, portLayer);
  const dragLayer = new DragLayer();
  const svg = s(
    'svg',
    {
      class: 'graph',
      tabindex: 0,
      'aria-label':
        'Flow graph: drag or use the arrow keys to move, + and − to zoom, 0 to fit; on a block, Delete deletes it, F2 renames it, Alt+arrows move it',
    },
    s('defs', {}, arrowhead()),
    content,
  );
  const zoomLevel = h('output', { class: 'zoom-level', 'aria-label': 'Zoom level' }, '100%');
  const minimap = new Minimap((at) => {
    viewport.centre(at);
  });
  const viewport = new Viewport(svg, [content, dragLayer.content], (view, scale) => {
    minimap.show(view);
    zoomLevel.textContent = `${Math.round(scale * 100)}%`;
  });
  // Said on the canvas when there is nothing to draw, so an empty page never looks like a failure.
  const showProblems = h('button', { type: 'button' }, 'See the problems');
  showProblems.addEventListener('click', () => {
    app.show('Problems');
  });
  const emptyNote = h('p', { class: 'empty-note', role: 'status', hidden: true });
  // What an operation on the canvas could not do, in one sentence.
  const note = h('p', { class: 'canvas-note', role: 'status', 'aria-live': 'polite', hidden: true });
  let noteTimer: ReturnType<typeof setTimeout> | undefined;
  const say = (message: string) => {
    note.textContent = message;
    note.hidden = false;
    clearTimeout(noteTimer);
    noteTimer = setTimeout(() => {
      note.hidden = true;
    }, NOTE_MS);
  };
  const autoLayout = h(
    'button',
    { type: 'button', class: 'auto-layout', title: 'Unpin every block: the layout places them all' },
    'Auto layout',
  );
  autoLayout.addEventListener('click', () => {
    app.store.update({ pins: {} });
  });

  let model: StudioModel | undefined;
  let placement: Placement | undefined;
  /** The model with every node where it is drawn: the minimap and the arrow keys go by it. */
  let placed: StudioModel | undefined;
  let drawing: Drawing = { nodes: new Map(), edges: new Map(), ports: new Map() };
  /** Copies of a block being dragged and of its edges, over the graph. */
  let lifted: Drawing | undefined;
  const nodeById = new Map<string, StudioNode>();
  /** Blocks added to the selection with Shift (the selected one is the store's). */
  const also = new Set<string>();
  /** The edge clicked last: Delete disconnects it. */
  let picked: string | undefined;
  /** A node to give the focus once it is drawn (a block just added). */
  let focusWhenDrawn: string | undefined;
  const bounds = () => placement?.bounds() ?? { x: 0, y: 0, width: 1, height: 1 };

  const focusNode = (id: string) => {
    const element = drawing.nodes.get(id);
    if (element) element.focus({ preventScroll: true });
    else focusWhenDrawn = id;
  };
  /** Centres a node, selects it and gives it the keyboard focus: what search and links do. */
  const jumpTo = (id: string) => {
    const box = placement?.box(id);
    if (!box) return;
    viewport.centre({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
    app.select(id);
    focusNode(id);
  };
  const remark = () => {
    mark(drawing, app.store.state, also, picked);
  };
  /** The funnel as last laid over the drawing: laid again only when one of them changes. */
  let overlaid: { drawing: Drawing; funnel: FunnelMarks | undefined } = { drawing, funnel: undefined };
  const overlay = () => {
    const { funnel } = app.store.state;
    if (overlaid.drawing === drawing && overlaid.funnel === funnel) return;
    overlaid = { drawing, funnel };
    overlayFunnel(drawing, funnel, (id) => nodeById.get(id));
  };
  /** Places the nodes anew (a new model, changed pins): the minimap and the arrow keys follow. */
  const replace = (shown: StudioModel): Placement => {
    const next = new Placement(shown, app.store.state.pins);
    const { width, height } = next.bounds();
    placement = next;
    placed = { ...shown, nodes: next.placedNodes(), width, height };
    minimap.draw(placed);
    return next;
  };

  const selection = (): string[] => {
    const selected = app.store.state.selected;
    const ids = [...(selected === undefined ? [] : [selected]), ...also];
    return [...new Set(ids)].filter((id) => nodeById.get(id)?.kind === 'block');
  };
  const selectAll = (ids: readonly string[], focus: string | undefined) => {
    const primary = focus ?? ids[0];
    also.clear();
    app.select(primary);
    for (const id of ids) if (id !== primary) also.add(id);
    if (primary !== undefined) focusNode(primary);
    remark();
  };

  const addBlock = async (type: string, dropped?: { clientX: number; clientY: number }) => {
    const selected = selection()[0];
    const result = await app.edit({
      kind: 'add-block',
      type,
      ...(dropped === undefined && selected !== undefined && { after: selected }),
    });
    if (!result.ok || result.focus === undefined) return;
    if (dropped) {
      const at = viewport.toGraph(dropped.clientX, dropped.clientY);
      app.store.update({ pins: withPin(app.store.state.pins, result.focus, at) });
    }
    selectAll([result.focus], result.focus);
  };

  const clearSelection = () => {
    also.clear();
    app.select(undefined);
  };

  const deleteBlocks = async (ids: readonly string[]) => {
    for (const id of ids) {
      const result = await app.edit({ kind: 'delete-block', id });
      if (!result.ok) return;
      also.delete(id);
      if (app.store.state.pins[id] !== undefined) {
        app.store.update({ pins: withPin(app.store.state.pins, id, undefined) });
      }
    }
    app.select(undefined);
    svg.focus({ preventScroll: true });
  };

  const disconnect = async (id: string) => {
    const edge = model?.edges.find((e) => e.id === id);
    const from = edge && nodeById.get(edge.from);
    if (!edge || !from) return;
    picked = undefined;
    remark();
    if (from.kind === 'start') {
      say('A script always has a start: drag the start’s line to another block instead.');
    } else if (from.kind === 'on_error') {
      await app.edit({ kind: 'set-entry', entry: 'on_error', to: undefined });
    } else {
      await app.edit({ kind: 'disconnect', block: edge.from, port: edge.path });
    }
  };

  /** Points a way (a port, an edge's start) at a block. */
  const connect = (from: StudioNode, path: string, to: string) => {
    void app.edit(
      isEntry(from)
        ? { kind: 'set-entry', entry: from.kind, to }
        : { kind: 'connect', block: from.id, port: path, to },
    );
  };

  const moveBy = (id: string, dx: number, dy: number) => {
    const box = placement?.box(id);
    if (!box || nodeById.get(id)?.kind !== 'block') return;
    app.store.update({ pins: withPin(app.store.state.pins, id, { x: box.x + dx, y: box.y + dy }) });
  };

  canvas.append(
    palette(
      () => svg,
      (type, dropped) => void addBlock(type, dropped),
      autoLayout,
    ),
    h('div', { class: 'stage' }, svg, dragLayer.element),
    legend(),
    minimap.element,
    emptyNote,
    note,
  );
  header.append(
    searchBox(() => model?.nodes ?? [], jumpTo),
    zoomControls(viewport, bounds, zoomLevel),
  );
  keepPins(app, (message) => {
    say(`The placed blocks were not saved: ${message}`);
  });
  installClipboard(canvas, app, selection, selectAll, say);
  installGestures({
    svg,
    dragLayer,
    viewport,
    model: () => model,
    placement: () => placement,
    node: (id) => nodeById.get(id),
    grab: (id) => {
      if (!placement) return;
      const group = placement.group(id);
      const edges = placement.edgesAround(group).map((edge) => edge.id);
      lifted = dragLayer.lift(drawing, group, edges);
    },
    moving: (id, at) => {
      if (placement && lifted) redrawMoved(lifted, placement, placement.move(id, at));
    },
    release: (id, at) => {
      lifted = undefined;
      dragLayer.drop();
      if (!placement) return;
      if (at === undefined) {
        // Called off: back where it stood (the originals never moved).
        const home = app.store.state.pins[id] ?? nodeById.get(id);
        if (home) placement.move(id, home);
        return;
      }
      app.store.update({ pins: withPin(app.store.state.pins, id, at) });
      // The originals are moved once, now, to where the pin puts them.
      redrawMoved(drawing, placement, placement.group(id));
    },
    connect: (from, to) => {
      const node = nodeById.get(from.node);
      if (!node) return;
      if (from.kind === 'add') void app.edit({ kind: 'add-way', block: from.node, way: from.way, to });
      else connect(node, from.path, to);
    },
    reconnect: (edge, to) => {
      const node = nodeById.get(edge.from);
      if (node) connect(node, edge.path, to);
    },
    add: (from) => {
      void app.edit({ kind: 'add-way', block: from.node, way: from.way });
    },
    pick: (id) => {
      picked = id;
      remark();
      svg.focus({ preventScroll: true });
      // A click on the background clears the selection: the Block tab shows the script then.
      if (id === undefined) clearSelection();
    },
  });

  app.store.subscribe((state, previous) => {
    if (state.model !== previous.model && state.model) {
      const focused = document.activeElement?.closest<SVGGElement>('.node')?.dataset.id;
      const first = model === undefined;
      model = state.model;
      nodeById.clear();
      for (const node of model.nodes) nodeById.set(node.id, node);
      for (const id of also) if (nodeById.get(id)?.kind !== 'block') also.delete(id);
      if (picked !== undefined && !model.edges.some((edge) => edge.id === picked)) picked = undefined;
      drawing = drawModel(
        model,
        replace(model),
        { edges: edgeLayer, nodes: nodeLayer, ports: portLayer },
        drawing,
      );
      emptyNote.hidden = model.nodes.length > 0;
      // A file with nothing in it yet is a script to start, not one with a problem to fix.
      const blank = Object.keys(model.header).length === 0 && !/^\s*[^#\s]/m.test(model.text);
      emptyNote.replaceChildren(
        ...(blank
          ? ['The script is empty: add its first block from the palette above.']
          : [
              `Nothing to draw: the script ${model.problems.length > 0 ? `has ${plural(model.problems.length, 'problem')}` : 'has no blocks; add one from the palette'}. `,
              ...(model.problems.length > 0 ? [showProblems] : []),
            ]),
      );
      if (first)
        viewport.open(bounds(), placed?.nodes.find((node) => node.kind === 'start') ?? placed?.nodes[0]);
      else viewport.apply();
      const focus = focusWhenDrawn ?? focused;
      focusWhenDrawn = undefined;
      const again = focus === undefined ? undefined : drawing.nodes.get(focus);
      // Once every part of the page has taken the model: focusing lays the page out, once.
      if (again && document.activeElement !== again) {
        queueMicrotask(() => {
          if (again.isConnected) again.focus({ preventScroll: true });
        });
      }
      canvas.dataset.revision = String(model.revision);
    } else if (state.pins !== previous.pins && model && placement) {
      // Only the blocks whose pin changed (and their "go to" pills) are drawn again.
      const before = placement;
      const after = replace(model);
      const changed = [...new Set([...Object.keys(state.pins), ...Object.keys(previous.pins)])].filter(
        (id) => before.offset(id).x !== after.offset(id).x || before.offset(id).y !== after.offset(id).y,
      );
      redrawMoved(
        drawing,
        after,
        changed.flatMap((id) => after.group(id)),
      );
    }
    // A new selection starts a new set: Shift adds to it (see choose).
    if (state.selected !== previous.selected) also.clear();
    if (state !== previous) remark();
    overlay();
    const selected = state.selected === undefined ? undefined : placement?.box(state.selected);
    if (selected && state.selected !== previous.selected && !viewport.shows(selected)) {
      viewport.centre({ x: selected.x + selected.width / 2, y: selected.y + selected.height / 2 });
    }
  });

  /** A jump stands for its target: clicking it goes there. Shift adds a block to the selection. */
  const choose = (node: StudioNode, extend: boolean) => {
    const selected = app.store.state.selected;
    if (node.goesTo !== undefined) jumpTo(node.goesTo);
    else if (!extend || node.kind !== 'block' || selected === undefined) app.select(node.id);
    else if (selected !== node.id) {
      if (also.has(node.id)) also.delete(node.id);
      else also.add(node.id);
      remark();
    }
  };
  nodeLayer.addEventListener('click', (event) => {
    const id = nodeOf(event.target)?.dataset.id;
    const node = id === undefined ? undefined : nodeById.get(id);
    if (node) choose(node, event.shiftKey);
  });
  nodeLayer.addEventListener('keydown', (event) => {
    const element = nodeOf(event.target);
    const node = element?.dataset.id === undefined ? undefined : nodeById.get(element.dataset.id);
    if (!node || !model || !placed) return;
    const direction = ARROWS[event.key];
    const modifier = event.ctrlKey || event.metaKey;
    if ((event.key === 'Enter' || event.key === ' ') && !modifier) {
      choose(node, event.shiftKey);
    } else if ((event.key === 'Delete' || event.key === 'Backspace') && node.kind === 'block') {
      const ids = selection();
      void deleteBlocks(ids.includes(node.id) ? ids : [node.id]);
    } else if (event.key === 'F2' && node.kind === 'block') {
      app.select(node.id);
      const field = document.getElementById(BLOCK_ID_FIELD);
      if (field instanceof HTMLInputElement) {
        field.focus();
        field.select();
      }
    } else if (direction && event.altKey && !modifier) {
      const [dx, dy] = { left: [-NUDGE, 0], right: [NUDGE, 0], up: [0, -NUDGE], down: [0, NUDGE] }[direction];
      moveBy(node.id, dx ?? 0, dy ?? 0);
    } else if (direction && !event.altKey && !modifier) {
      const next = neighbour(placed, placed.nodes.find((n) => n.id === node.id) ?? node, direction);
      if (next) {
        if (!viewport.shows(next))
          viewport.centre({ x: next.x + next.width / 2, y: next.y + next.height / 2 });
        drawing.nodes.get(next.id)?.focus({ preventScroll: true });
      }
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });
  // A block focused by the keyboard comes into view; one pressed with the pointer stays under it
  // (moving the view between press and release would make the click land elsewhere).
  let pressing = false;
  svg.addEventListener('pointerdown', () => (pressing = true), { capture: true });
  const released = () => (pressing = false);
  svg.addEventListener('pointerup', released, { capture: true });
  svg.addEventListener('pointercancel', released, { capture: true });
  // On the svg, which is focusable anyway: Chromium makes an SVG group with focus listeners a tab stop.
  svg.addEventListener('focusin', (event) => {
    if (pressing) return;
    const id = nodeOf(event.target)?.dataset.id;
    const box = id === undefined ? undefined : placement?.box(id);
    if (box && !viewport.shows(box)) viewport.centre({ x: box.x + box.width / 2, y: box.y + box.height / 2 });
  });

  svg.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const direction = ARROWS[event.key];
    if (event.key === '+' || event.key === '=') viewport.zoomAt(ZOOM_STEP);
    else if (event.key === '-' || event.key === '_') viewport.zoomAt(1 / ZOOM_STEP);
    else if (event.key === '0') viewport.fit(bounds());
    else if ((event.key === 'Delete' || event.key === 'Backspace') && picked !== undefined)
      void disconnect(picked);
    else if (event.key === 'Escape' && picked !== undefined) {
      picked = undefined;
      remark();
    } else if (event.key === 'Escape') clearSelection();
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
  new ResizeObserver(([entry]) => {
    if (entry) viewport.resized(entry.contentRect.width, entry.contentRect.height);
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
function mark(drawing: Drawing, state: State, also: ReadonlySet<string>, picked: string | undefined): void {
  const { selected, run, coverage } = state;
  for (const [id, element] of drawing.nodes) {
    const block = element.classList.contains('block');
    const chosen = id === selected || also.has(id);
    element.classList.toggle('selected', chosen);
    if (element.getAttribute('aria-pressed') !== String(chosen))
      element.setAttribute('aria-pressed', String(chosen));
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
    element.classList.toggle('picked', id === picked);
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
