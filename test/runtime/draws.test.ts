import { describe, expect, it } from 'vitest';
import { BotflowError, createBot } from '../../engine/index.js';
import { COLLECTOR, scriptOf } from '../support/scripts.js';

/*
 * The bot's `draws` option: fixed draws by block id, which a QA case uses to take a chosen branch
 * of a random block. What a draw decides is tested with the random block (test/runtime/random.test.ts).
 */

describe('the draws option', () => {
  it.each([
    ['one', 1],
    ['above one', 1.5],
    ['negative', -0.1],
    ['not a number', Number.NaN],
    ['infinite', Number.POSITIVE_INFINITY],
  ])('refuses a draw that is %s', (_, draw) => {
    expect(() => createBot({ script: scriptOf(COLLECTOR), draws: { split: draw } })).toThrow(
      new BotflowError(
        'bot.bad-option',
        `the bot's draws must be numbers from 0 up to (not including) 1, but "split" has ${String(draw)}`,
      ),
    );
  });

  it('takes 0 and numbers just under 1', () => {
    expect(() => createBot({ script: scriptOf(COLLECTOR), draws: { a: 0, b: 0.999999 } })).not.toThrow();
  });
});
