import {
  portOffset,
  type Box,
  type Point,
  type StudioModel,
  type StudioNode,
  type WayKind,
} from '../../protocol.js';

/**
 * A port on a node's right edge: one of its ways out (connected or open), or a "+" that adds a
 * way. The start and on_error markers have one port each: the script's `start` and `on_error`.
 */
export type PortSpot =
  | {
      readonly kind: 'way';
      readonly node: string;
      /** The way's YAML path inside the block (`next`, `on.success`), or `start` / `on_error` on a marker. */
      readonly path: string;
      readonly label: string;
      readonly target: string | undefined;
      readonly slot: number;
    }
  | { readonly kind: 'add'; readonly node: string; readonly way: WayKind; readonly slot: number };

/** The entry a marker's port sets. */
export type Entry = 'start' | 'on_error';

export const isEntry = (node: StudioNode): node is StudioNode & { kind: Entry } =>
  node.kind === 'start' || node.kind === 'on_error';

/** How many ports a node has: its ways out and its adds; a marker's one. */
export function slotCount(node: StudioNode): number {
  if (isEntry(node)) return 1;
  return node.kind === 'block' ? node.ports.length + node.adds.length : 0;
}

/** Every port of a node, top to bottom, as the server laid them out (see portOffset). */
export function portsOf(node: StudioNode, model: StudioModel): PortSpot[] {
  if (isEntry(node)) {
    const edge = model.edges.find((e) => e.from === node.id);
    return [{ kind: 'way', node: node.id, path: node.kind, label: node.kind, target: edge?.target, slot: 0 }];
  }
  if (node.kind !== 'block') return [];
  const ways: PortSpot[] = node.ports.map((port, slot) => ({
    kind: 'way',
    node: node.id,
    path: port.path,
    label: port.label,
    target: port.target,
    slot,
  }));
  const adds: PortSpot[] = node.adds.map((way, index) => ({
    kind: 'add',
    node: node.id,
    way,
    slot: node.ports.length + index,
  }));
  return [...ways, ...adds];
}

/** Where the port `slot` of `node` sits when the node's box is `box`. */
export function portPoint(node: StudioNode, box: Box, slot: number): Point {
  return { x: box.x + box.width, y: box.y + portOffset(slot, slotCount(node), box.height) };
}

/** The port an edge leaves by: the way of its path (a marker's only port). */
export function slotOfPath(node: StudioNode, path: string): number | undefined {
  if (isEntry(node)) return 0;
  const slot = node.ports.findIndex((port) => port.path === path);
  return slot < 0 ? undefined : slot;
}

/** What a way is called where a person reads it: its label, else its path. */
export function wayName(path: string, label: string): string {
  return label === '' ? path : label;
}

const ADD_WORDS: Readonly<Record<WayKind, string>> = {
  branch: 'a branch',
  choice: 'a choice',
  outcome: 'an outcome',
};

export function addWords(way: WayKind): string {
  return ADD_WORDS[way];
}
