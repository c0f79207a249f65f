import type { Point, StudioModel, StudioNode } from '../../protocol.js';

export type Direction = 'left' | 'right' | 'up' | 'down';

export const ARROWS: Readonly<Record<string, Direction>> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

const AXES: Readonly<Record<Direction, Point>> = {
  left: { x: -1, y: 0 },
  right: { x: 1, y: 0 },
  up: { x: 0, y: -1 },
  down: { x: 0, y: 1 },
};

/** A node joined by an edge counts as this much nearer: the arrows follow the flow first. */
const LINKED_BONUS = 0.4;

const centre = (node: StudioNode): Point => ({ x: node.x + node.width / 2, y: node.y + node.height / 2 });

/**
 * The node an arrow key moves to from `from`: the nearest one that way, where the distance
 * across the arrow's direction counts double and nodes an edge joins to `from` count as nearer.
 * The graph reads left to right, so → follows the ways out and ← comes back along them.
 */
export function neighbour(
  model: StudioModel,
  from: StudioNode,
  direction: Direction,
): StudioNode | undefined {
  const linked = new Set(
    model.edges.flatMap((edge) =>
      edge.from === from.id ? [edge.to] : edge.to === from.id ? [edge.from] : [],
    ),
  );
  const axis = AXES[direction];
  const origin = centre(from);
  let best: { node: StudioNode; score: number } | undefined;
  for (const node of model.nodes) {
    if (node.id === from.id) continue;
    const at = centre(node);
    const dx = at.x - origin.x;
    const dy = at.y - origin.y;
    const along = dx * axis.x + dy * axis.y;
    if (along <= 0) continue;
    const across = Math.abs(dx * axis.y - dy * axis.x);
    const score = (along + 2 * across) * (linked.has(node.id) ? LINKED_BONUS : 1);
    if (!best || score < best.score) best = { node, score };
  }
  return best?.node;
}
