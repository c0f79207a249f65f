import { type BlockDefinition } from '../engine/block-api/index.js';
import { askBlock } from './ask.js';
import { bplBlock } from './bpl.js';
import { conditionBlock } from './condition.js';
import { endBlock } from './end.js';
import { messageBlock } from './message.js';
import { randomBlock } from './random.js';
import { requestBlock } from './request.js';

/** Every block type, by its `type:` name. A new block type is one module and one line here. */
export const blockDefinitions = {
  message: messageBlock,
  ask: askBlock,
  condition: conditionBlock,
  request: requestBlock,
  bpl: bplBlock,
  end: endBlock,
  random: randomBlock,
} as const;

export type BlockType = keyof typeof blockDefinitions;

export type Block = {
  [T in BlockType]: (typeof blockDefinitions)[T] extends BlockDefinition<infer B> ? B : never;
}[BlockType];

export function blockDefinition(type: string): BlockDefinition | undefined {
  return Object.hasOwn(blockDefinitions, type) ? blockDefinitions[type as BlockType] : undefined;
}
