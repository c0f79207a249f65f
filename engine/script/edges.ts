import { blockDefinition, type Block } from '../../blocks/registry.js';
import type { BlockShape, Edge } from '../block-api/contract.js';
import type { Script } from './script.js';

/** A block's ways out, from its own module. */
export function blockEdges(block: Block): Edge[] {
  return blockDefinition(block.type)?.edges(block) ?? [];
}

/** How the block is drawn in exported graphs. */
export function blockShape(block: Block): BlockShape {
  return blockDefinition(block.type)?.shape ?? 'say';
}

/** Every edge of the script's graph: blocks in file order, each block's edges as its module lists them. */
export function scriptEdges(script: Script): { from: string; edge: Edge }[] {
  return [...script.blocks].flatMap(([from, block]) => blockEdges(block).map((edge) => ({ from, edge })));
}
