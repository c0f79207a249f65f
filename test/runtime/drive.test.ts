import { assign, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { BotflowError } from '../../engine/index.js';
import { drive } from '../../engine/runtime/drive.js';
import type { ConversationMachine } from '../../engine/runtime/machine.js';
import { freshContext } from '../../engine/runtime/machine.js';

/*
 * Running one turn on a machine. What a script's machine does is tested through the Bot; here, a
 * state that a block left without a route (a broken block type) must fail the turn, not hang it.
 */

describe('drive', () => {
  it('fails the turn when a state neither waits, ends, nor calls out', async () => {
    const stuck = setup({
      types: { context: {} as ReturnType<typeof freshContext>, input: {} as { key: string; vars: object } },
    }).createMachine({
      initial: 'lost',
      context: ({ input }) => freshContext(input.key, {}),
      states: { lost: { entry: assign({ steps: 1 }) } },
    }) as unknown as ConversationMachine;
    await expect(drive(stuck, { key: 'k', vars: {} }, undefined, (text) => text)).rejects.toEqual(
      new BotflowError(
        'turn.failed',
        'the turn failed inside the engine: block "lost" neither waits, ends, nor chose where to go',
      ),
    );
  });
});
