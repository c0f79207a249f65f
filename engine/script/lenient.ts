import type { BlockDefinition, BlockPort } from '../block-api/contract.js';

/**
 * What a block's module reads from a block that may not have passed its schema. Its functions
 * are written for valid blocks, so a malformed one may throw or give odd values: those are left out.
 */
export function readable<T>(read: () => readonly unknown[], keep: (item: unknown) => item is T): T[] {
  try {
    const items = read();
    return Array.isArray(items) ? items.filter(keep) : [];
  } catch {
    return [];
  }
}

/**
 * A block's ports as far as they can be read, valid block or not: a target that is not text (a
 * number, a null written as `next:`) reads as an open port.
 */
export function readPorts(definition: BlockDefinition, block: unknown): BlockPort[] {
  return readable(
    () => definition.ports(block as { type: string }),
    (item): item is BlockPort => Array.isArray((item as Partial<BlockPort> | null)?.path),
  ).map((port) => {
    const { target } = port as { target: unknown };
    return typeof target === 'string' ? port : { ...port, target: undefined };
  });
}
