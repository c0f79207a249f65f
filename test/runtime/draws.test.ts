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
    expect(() => createBot({ script: scriptOf(COLLECTOR), draws: { 'next-item': draw } })).toThrow(
      new BotflowError(
        'bot.bad-option',
        `the bot's draws must be numbers from 0 up to (not including) 1, but "next-item" has ${String(draw)}`,
      ),
    );
  });

  it('refuses draws that are not a map, a draw given as text, and a block the script lacks', () => {
    const script = scriptOf(COLLECTOR);
    const refused = (draws: unknown) => () => createBot({ script, draws: draws as Record<string, number> });
    expect(refused('x')).toThrow("the bot's draws must be a map of block ids to numbers");
    expect(refused({ append: '0.5' })).toThrow(
      `the bot's draws must be numbers from 0 up to (not including) 1, but "append" has "0.5"`,
    );
    expect(refused({ 'next-itme': 0.5 })).toThrow(
      `the bot's draws name block "next-itme", which the script does not have (did you mean "next-item"?)`,
    );
  });

  it('takes 0 and numbers just under 1', () => {
    expect(() =>
      createBot({ script: scriptOf(COLLECTOR), draws: { 'next-item': 0, append: 0.999999 } }),
    ).not.toThrow();
  });
});

describe('the other bot options', () => {
  it('refuses an onStart that is not restart, resume or ignore', () => {
    expect(() => createBot({ script: scriptOf(COLLECTOR), onStart: 'bogus' as 'restart' })).toThrow(
      new BotflowError('bot.bad-option', `the bot's onStart must be restart, resume or ignore, not "bogus"`),
    );
  });

  it.each([0, Number.NaN])('refuses a maxQueuedTurns of %d', (maxQueuedTurns) => {
    expect(() => createBot({ script: scriptOf(COLLECTOR), maxQueuedTurns })).toThrow(
      new BotflowError('bot.bad-option', "the bot's maxQueuedTurns must be a whole number of 1 or more"),
    );
  });

  it.each([0, 2.5, -1])('refuses a stepCap of %d', (stepCap) => {
    expect(() => createBot({ script: scriptOf(COLLECTOR), stepCap })).toThrow(
      new BotflowError('bot.bad-option', "the bot's stepCap must be a whole number of 1 or more"),
    );
  });
});
