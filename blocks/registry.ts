import { type BlockDefinition } from '../engine/block-api/index.js';
import { askBlock } from './ask.js';
import { bplBlock } from './bpl.js';
import { conditionBlock } from './condition.js';
import { endBlock } from './end.js';
import { messageBlock } from './message.js';
import { randomBlock } from './random.js';
import { requestBlock } from './request.js';

/**
 * Every block type, by its `type:` name. A new block type is one module and one line here (and one
 * more below when it has codes of its own).
 */
export const blockDefinitions = {
  message: messageBlock,
  ask: askBlock,
  condition: conditionBlock,
  request: requestBlock,
  bpl: bplBlock,
  end: endBlock,
  random: randomBlock,
} as const;

/*
 * The codes of the blocks that have their own. Declaration files reach each block module's
 * `BlockCodes` declaration through these, so the union `Code` is closed for the package's users
 * too, not only inside this repository.
 */
export type { AskCode } from './ask.js';
export type { BplCode } from './bpl.js';
export type { RequestCode } from './request.js';

export type BlockType = keyof typeof blockDefinitions;

export type Block = {
  [T in BlockType]: (typeof blockDefinitions)[T] extends BlockDefinition<infer B> ? B : never;
}[BlockType];

export function blockDefinition(type: string): BlockDefinition | undefined {
  return Object.hasOwn(blockDefinitions, type) ? blockDefinitions[type as BlockType] : undefined;
}
