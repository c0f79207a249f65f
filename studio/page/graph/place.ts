import type { Box, Point, StudioEdge, StudioModel, StudioNode } from '../../protocol.js';
import { portPoint, slotOfPath } from './ports.js';

/** How far a re-routed edge runs straight out of its port and into its target before it turns. */
const STUB = 16;
/** Room kept around the picture's content. */
const MARGIN = 24;

const ORIGIN: Point = { x: 0, y: 0 };

/**
 * Where every node stands: where the layout put it, or where the designer pinned it. A "go to"
 * pill travels with the block it belongs to. Edges between two nodes that moved together keep the
 * layout's route, moved along; an edge with one end moved is re-routed with a simple orthogonal
 * line from its port to the side of its target.
 */
export class Placement {
  private readonly nodes = new Map<string, StudioNode>();
  private readonly offsets = new Map<string, Point>();
  /** The pills of each block's long edges. */
  private readonly jumps = new Map<string, string[]>();
  private readonly edgesOf = new Map<string, StudioEdge[]>();

  constructor(
    readonly model: StudioModel,
    pins: Readonly<Record<string, Point>>,
  ) {
    for (const node of model.nodes) {
      this.nodes.set(node.id, node);
      this.edgesOf.set(node.id, []);
    }
    for (const edge of model.edges) {
      this.edgesOf.get(edge.from)?.push(edge);
      if (edge.to !== edge.from) this.edgesOf.get(edge.to)?.push(edge);
      if (this.nodes.get(edge.to)?.kind === 'jump')
        this.jumps.set(edge.from, [...(this.jumps.get(edge.from) ?? []), edge.to]);
    }
    for (const [id, pin] of Object.entries(pins)) {
      const node = this.nodes.get(id);
      if (node?.kind === 'block') this.setOffset(node, pin);
    }
  }

  /** A node's box as drawn. */
  box(id: string): Box | undefined {
    const node = this.nodes.get(id);
    if (!node) return undefined;
    const offset = this.offset(id);
    return { x: node.x + offset.x, y: node.y + offset.y, width: node.width, height: node.height };
  }

  /** How far the node is drawn from where the layout put it. */
  offset(id: string): Point {
    return this.offsets.get(id) ?? ORIGIN;
  }

  /** Puts a block's top-left corner at `at`; answers the nodes moved (the block and its pills). */
  move(id: string, at: Point): string[] {
    const node = this.nodes.get(id);
    if (node?.kind !== 'block') return [];
    this.setOffset(node, at);
    return this.group(id);
  }

  /** A block and the "go to" pills that travel with it. */
  group(id: string): string[] {
    return [id, ...(this.jumps.get(id) ?? [])];
  }

  /** The edges to redraw after `moved` moved. */
  edgesAround(moved: readonly string[]): StudioEdge[] {
    return [...new Set(moved.flatMap((id) => this.edgesOf.get(id) ?? []))];
  }

  /** An edge's line as drawn: the layout's when both ends moved alike, else re-routed. */
  route(edge: StudioEdge): { points: Point[]; labelBox: Box | undefined } {
    const from = this.offset(edge.from);
    const to = this.offset(edge.to);
    if (from.x === to.x && from.y === to.y) {
      return {
        points: edge.points.map((p) => ({ x: p.x + from.x, y: p.y + from.y })),
        labelBox: edge.labelBox && {
          ...edge.labelBox,
          x: edge.labelBox.x + from.x,
          y: edge.labelBox.y + from.y,
        },
      };
    }
    const source = this.box(edge.from);
    const target = this.box(edge.to);
    const start = source && this.portAt(edge, source);
    if (!source || !target || !start) return { points: [], labelBox: undefined };
    const points = orthogonal(start, source, target);
    // The label rides just above the line where it leaves its port.
    const labelBox = edge.labelBox && {
      ...edge.labelBox,
      x: start.x + 4,
      y: start.y - edge.labelBox.height - 2,
    };
    return { points, labelBox };
  }

  /** Everything drawn, from the origin: the layout's size, grown to take in the pinned nodes. */
  bounds(): Box {
    let width = this.model.width;
    let height = this.model.height;
    for (const id of this.offsets.keys()) {
      const box = this.box(id);
      if (!box) continue;
      width = Math.max(width, box.x + box.width + MARGIN);
      height = Math.max(height, box.y + box.height + MARGIN);
    }
    return { x: 0, y: 0, width, height };
  }

  /** The model with every node where it is drawn (for the minimap and the arrow keys). */
  placedNodes(): StudioNode[] {
    return this.model.nodes.map((node) => {
      const offset = this.offsets.get(node.id);
      return offset ? { ...node, x: node.x + offset.x, y: node.y + offset.y } : node;
    });
  }

  private setOffset(node: StudioNode, at: Point): void {
    const offset = { x: at.x - node.x, y: at.y - node.y };
    for (const id of this.group(node.id)) this.offsets.set(id, offset);
  }

  /** Where an edge leaves its source: its own port, as the server laid the ports out. */
  private portAt(edge: StudioEdge, source: Box): Point | undefined {
    const node = this.nodes.get(edge.from);
    if (!node) return undefined;
    const slot = slotOfPath(node, edge.path);
    return slot === undefined
      ? { x: source.x + source.width, y: source.y + source.height / 2 }
      : portPoint(node, source, slot);
  }
}

/**
 * An orthogonal line from `start` (on the right of `source`) to the middle of `target`'s left
 * side: straight across when the target is to the right, else out, round below both, and in.
 */
export function orthogonal(start: Point, source: Box, target: Box): Point[] {
  const end = { x: target.x, y: target.y + target.height / 2 };
  if (end.x - start.x >= 2 * STUB) {
    if (end.y === start.y) return [start, end];
    const middle = Math.round((start.x + end.x) / 2);
    return [start, { x: middle, y: start.y }, { x: middle, y: end.y }, end];
  }
  const below = Math.max(source.y + source.height, target.y + target.height) + STUB;
  const out = start.x + STUB;
  const into = end.x - STUB;
  return [
    start,
    { x: out, y: start.y },
    { x: out, y: below },
    { x: into, y: below },
    { x: into, y: end.y },
    end,
  ];
}

/** An SVG path through the points. */
export function pathOf(points: readonly Point[]): string {
  const [first, ...rest] = points;
  if (!first) return '';
  return `M${first.x} ${first.y}${rest.map((p) => `L${p.x} ${p.y}`).join('')}`;
}
