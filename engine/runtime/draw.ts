import { createHash } from 'node:crypto';
import { BotflowError } from '../error.js';
import { didYouMean } from '../script/suggest.js';

/**
 * A number in [0, 1) that is the same every time conversation `key` reaches `block` of the script
 * named `script`: a hash of the three, so a conversation replayed (a QA case, a redelivery re-run
 * after a lost write) draws the same, conversations spread evenly, and two scripts with a block of
 * the same id split their conversations independently. The name, not the version: an edit to the
 * script keeps every conversation on its side.
 */
export function drawFor(script: string, key: string, block: string): number {
  const digest = createHash('sha256').update(`${script}\u0000${key}\u0000${block}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/**
 * The bot's `draws` option, checked against the script's blocks: block ids to fixed draws in
 * [0, 1). Read as unknown, since hosts in plain JavaScript pass what they like.
 */
export function fixedDraws(draws: unknown, blocks: ReadonlySet<string>): ReadonlyMap<string, number> {
  const fixed = new Map<string, number>();
  if (draws === undefined) return fixed;
  if (typeof draws !== 'object' || draws === null || Array.isArray(draws)) {
    throw new BotflowError('bot.bad-option', "the bot's draws must be a map of block ids to numbers");
  }
  for (const [block, draw] of Object.entries(draws as Record<string, unknown>)) {
    if (!blocks.has(block)) {
      const hint = didYouMean(block, blocks);
      throw new BotflowError(
        'bot.bad-option',
        `the bot's draws name block "${block}", which the script does not have${hint === undefined ? '' : ` (${hint})`}`,
      );
    }
    if (typeof draw !== 'number' || !(draw >= 0 && draw < 1)) {
      throw new BotflowError(
        'bot.bad-option',
        `the bot's draws must be numbers from 0 up to (not including) 1, but "${block}" has ${typeof draw === 'number' ? String(draw) : JSON.stringify(draw)}`,
      );
    }
    fixed.set(block, draw);
  }
  return fixed;
}
