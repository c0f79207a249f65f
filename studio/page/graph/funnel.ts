import type { Point, StudioNode } from '../../protocol.js';
import { s } from '../dom.js';
import type { BlockCounts, FunnelMarks } from '../store.js';

/** The colours of a block's drop-off, highest first: a badge takes the first whose `from` it reaches. */
export const DROP_OFF_SCALE = [
  { from: 50, name: 'most', words: '50% or more' },
  { from: 25, name: 'high', words: '25% to 50%' },
  { from: 10, name: 'some', words: '10% to 25%' },
  { from: 0, name: 'low', words: 'under 10%' },
] as const;

/** The class of a drop-off's colour; `drop-none` for a block never entered. */
export function dropOffClass(dropOff: number | null): string {
  if (dropOff === null) return 'drop-none';
  const step = DROP_OFF_SCALE.find(({ from }) => dropOff >= from) ?? DROP_OFF_SCALE[3];
  return `drop-${step.name}`;
}

/** `12 in · 33.3% drop-off`: what a block's badge says. */
function badgeText({ entered, dropOff }: BlockCounts): string {
  return dropOff === null ? `${entered} in` : `${entered} in · ${dropOff}% drop-off`;
}

/** The drawn blocks and edges by id: render.ts's Drawing, by its shape (render.ts imports this file). */
interface Drawn {
  readonly nodes: ReadonlyMap<string, SVGGElement>;
  readonly edges: ReadonlyMap<string, SVGGElement>;
}

const BLOCK_BADGE = 'funnel-badge';
const EDGE_COUNT = 'funnel-count';
/** Near enough to size a pill around its text at 11px. */
const CHAR = 6.6;

/** Where each drawn edge starts, as last routed: a count added later is placed there. */
const starts = new WeakMap<Element, Point>();

/**
 * The edge was routed (drawn, or moved with a block): its count, when it has one, follows its
 * start, on the line just after its port, where no other edge's count can be (ports are a row
 * apart, and the labels of open ports stand level with their own port).
 */
export function edgeRouted(group: SVGGElement, start: Point): void {
  starts.set(group, start);
  const count = group.querySelector(`:scope > .${EDGE_COUNT}`);
  if (count) placeCount(count, start);
}

function placeCount(count: Element, start: Point): void {
  const transform = `translate(${start.x + 9} ${start.y - 6.5})`;
  if (count.getAttribute('transform') !== transform) count.setAttribute('transform', transform);
}

/**
 * Lays the funnel over the drawn graph, or takes it off (`funnel` undefined): a badge on each
 * block, a count on each edge, added to the drawn elements. Nothing else of the graph is drawn
 * again, and an element whose count is unchanged is left as it is.
 */
export function overlayFunnel(
  drawing: Drawn,
  funnel: FunnelMarks | undefined,
  node: (id: string) => StudioNode | undefined,
): void {
  for (const [id, element] of drawing.nodes) {
    const counts = funnel?.blocks.get(id);
    const box = node(id);
    const text = counts && badgeText(counts);
    replaceOverlay(element, BLOCK_BADGE, text, () =>
      counts && box && text !== undefined ? blockBadge(box, counts, text) : undefined,
    );
  }
  for (const [id, element] of drawing.edges) {
    const taken = funnel?.edges.get(id);
    const text = taken === undefined ? undefined : String(taken);
    replaceOverlay(element, EDGE_COUNT, text, () =>
      text === undefined ? undefined : edgeCount(element, text),
    );
  }
}

/** Puts the overlay made by `make` in `host` in place of its old one, unless that says `text` already. */
function replaceOverlay(
  host: SVGGElement,
  name: string,
  text: string | undefined,
  make: () => SVGGElement | undefined,
): void {
  const old = host.querySelector<SVGGElement>(`:scope > .${name}`);
  if (old?.dataset.text === text) return;
  old?.remove();
  const made = make();
  if (made) host.append(made);
}

function blockBadge(box: StudioNode, counts: BlockCounts, text: string): SVGGElement {
  const width = text.length * CHAR + 14;
  const x = box.x + 10;
  // Hanging below the block, clear of its last line of text.
  const y = box.y + box.height - 4;
  return s(
    'g',
    { class: `${BLOCK_BADGE} ${dropOffClass(counts.dropOff)}`, 'data-text': text },
    s('rect', { x, y, width, height: 16, rx: 8 }),
    s('text', { x: x + width / 2, y: y + 8 }, text),
  );
}

function edgeCount(edge: SVGGElement, text: string): SVGGElement {
  const width = text.length * CHAR + 8;
  const count = s(
    'g',
    { class: EDGE_COUNT, 'data-text': text },
    s('rect', { x: 0, y: 0, width, height: 13, rx: 6 }),
    s('text', { x: width / 2, y: 6.5 }, text),
  );
  const start = starts.get(edge);
  if (start) placeCount(count, start);
  return count;
}
