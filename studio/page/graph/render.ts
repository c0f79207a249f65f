import type { StudioEdge, StudioModel, StudioNode } from '../../protocol.js';
import { s } from '../dom.js';
import { lookOf } from './look.js';

/** The drawn graph: one element per node and per edge, by id, for marks to find. */
export interface Drawing {
  readonly nodes: ReadonlyMap<string, SVGGElement>;
  readonly edges: ReadonlyMap<string, SVGGElement>;
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

/** Draws every edge, then every node above them, into the two layers given. */
export function drawModel(model: StudioModel, edgeLayer: SVGGElement, nodeLayer: SVGGElement): Drawing {
  const kinds = new Map(model.nodes.map((node) => [node.id, node.kind]));
  const edges = new Map(model.edges.map((edge) => [edge.id, drawEdge(edge, kinds.get(edge.to))]));
  const nodes = new Map(model.nodes.map((node) => [node.id, drawNode(node, model)]));
  edgeLayer.replaceChildren(...edges.values());
  nodeLayer.replaceChildren(...nodes.values());
  return { nodes, edges };
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
  });
  const [first, ...rest] = edge.points;
  if (first) {
    const d = `M${first.x} ${first.y}${rest.map((p) => `L${p.x} ${p.y}`).join('')}`;
    group.append(s('path', { class: 'line', d }));
  }
  if (edge.labelBox && edge.label !== '') {
    const box = edge.labelBox;
    group.append(
      s(
        'g',
        { class: 'label' },
        s('rect', { x: box.x, y: box.y, width: box.width, height: box.height, rx: 4 }),
        s('text', { x: box.x + box.width / 2, y: box.y + box.height / 2 }, edge.label),
      ),
    );
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
