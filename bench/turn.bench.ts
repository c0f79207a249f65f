import type { Comparison } from './harness.js';
import {
  botflowConversation,
  plainConversation,
  REPLIES,
  START,
  xstateConversation,
  xstateSnapshotAtAsk,
} from './conversation.js';

const turns = 1 + REPLIES.length;
const botflow = botflowConversation();
const xstate = xstateConversation();
const plain = plainConversation();

/** A whole conversation per operation: `turns` turns, each restore → run → persist. */
export const turnBenchmarks: Comparison[] = [
  {
    name: `conversation (${turns} turns), botflow`,
    subject: botflow.run,
    baselineName: 'hand-written xstate machine',
    baseline: xstate.run,
  },
  {
    name: `conversation (${turns} turns), botflow`,
    subject: botflow.run,
    baselineName: 'plain functions + switch (floor)',
    baseline: plain.run,
  },
];

/** Bytes stored for a conversation waiting at its first ask: ours, and xstate's own persisted snapshot. */
export async function snapshotSizes(): Promise<{ botflow: number; xstate: number }> {
  const ours = botflowConversation();
  await ours.bot.start('k', { startParam: START, channel: 'telegram' });
  const record = await ours.store.get('k');
  return { botflow: Buffer.byteLength(record?.data ?? ''), xstate: Buffer.byteLength(xstateSnapshotAtAsk()) };
}
