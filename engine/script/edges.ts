import { blockDefinition, type Block } from '../../blocks/registry.js';
import type { Edge } from '../../blocks/types.js';
import type { Script } from './script.js';

/** A block's ways out, from its own module. */
export function blockEdges(block: Block): Edge[] {
  return blockDefinition(block.type)?.edges(block) ?? [];
}

/** Every edge of the script's graph: blocks in file order, each block's edges as its module lists them. */
export function scriptEdges(script: Script): { from: string; edge: Edge }[] {
  return [...script.blocks].flatMap(([from, block]) => blockEdges(block).map((edge) => ({ from, edge })));
}
