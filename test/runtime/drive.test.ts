import { spawnSync } from 'node:child_process';
import { assign, fromPromise, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { BotflowError } from '../../engine/index.js';
import { drive } from '../../engine/runtime/drive.js';
import type { ConversationMachine } from '../../engine/runtime/machine.js';
import { freshContext } from '../../engine/runtime/machine.js';
import { ROOT } from '../support/cli.js';

/*
 * Running one turn on a machine. What a script's machine does is tested through the Bot; here, a
 * state that a block left without a route (a broken block type) must fail the turn, not hang it.
 */

type Context = ReturnType<typeof freshContext>;

/** A machine whose one state calls out, then does `after` with the answer: a request block's shape. */
function calling(after: () => Partial<Context>): ConversationMachine {
  return setup({
    types: { context: {} as Context, input: {} as { key: string; vars: object } },
    actors: {
      answer: fromPromise(
        () =>
          new Promise<string>((resolve) => {
            setTimeout(() => {
              resolve('ok');
            }, 5);
          }),
      ),
    },
  }).createMachine({
    initial: 'call',
    context: ({ input }) => freshContext(input.key, {}),
    states: { call: { invoke: { src: 'answer', onDone: { actions: assign(after) } } } },
  }) as unknown as ConversationMachine;
}

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

  it('fails the turn when a state neither waits, ends, nor routes once its call is answered', async () => {
    await expect(
      drive(
        calling(() => ({ steps: 2 })),
        { key: 'k', vars: {} },
        undefined,
        (text) => text,
      ),
    ).rejects.toEqual(
      new BotflowError(
        'turn.failed',
        'the turn failed inside the engine: block "call" neither waits, ends, nor chose where to go',
      ),
    );
  });

  it('fails the turn when handling the answer throws', async () => {
    const broken = calling(() => {
      throw new Error('outcome broke');
    });
    await expect(drive(broken, { key: 'k', vars: {} }, undefined, (text) => text)).rejects.toEqual(
      new BotflowError('turn.failed', 'the turn failed inside the engine: outcome broke'),
    );
  });
});

describe('a turn that throws inside the machine', () => {
  it('fails with turn.failed, and the process goes on (no unhandled error from xstate)', () => {
    // In a process of its own: xstate reports an unobserved actor error by throwing from a timer,
    // which would end the host's process after the turn had already failed.
    const program = `
      import { createBot, parseScript } from './dist/engine/index.js';
      const script = parseScript("botflow: 1\\nname: clock\\nblocks:\\n  hi: { type: message, text: 'It is {{ now }}' }\\n", 'c.yaml');
      const bot = createBot({ script, clock: () => { throw new Error('clock broke'); } });
      const failed = await bot.start('k').then(() => 'no error', (error) => error.code + ': ' + error.message);
      await new Promise((resolve) => setTimeout(resolve, 50));
      console.log(failed);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect({ status: child.status, stdout: child.stdout, stderr: child.stderr }).toEqual({
      status: 0,
      stdout: 'turn.failed: the turn failed inside the engine: clock broke\n',
      stderr: '',
    });
  });
});
