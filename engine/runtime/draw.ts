import { createHash } from 'node:crypto';
import { BotflowError } from '../error.js';

/**
 * A number in [0, 1) that is the same every time conversation `key` reaches `block`: a hash of
 * both, so a conversation replayed (a QA case, a redelivery re-run after a lost write) draws the
 * same, and conversations spread evenly.
 */
export function drawFor(key: string, block: string): number {
  const digest = createHash('sha256').update(`${key}\u0000${block}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The bot's `draws` option, checked: block ids to fixed draws in [0, 1). */
export function fixedDraws(draws: Readonly<Record<string, number>> | undefined): ReadonlyMap<string, number> {
  const fixed = new Map<string, number>();
  for (const [block, draw] of Object.entries(draws ?? {})) {
    if (typeof draw !== 'number' || !(draw >= 0 && draw < 1)) {
      throw new BotflowError(
        'bot.bad-option',
        `the bot's draws must be numbers from 0 up to (not including) 1, but "${block}" has ${String(draw)}`,
      );
    }
    fixed.set(block, draw);
  }
  return fixed;
}
