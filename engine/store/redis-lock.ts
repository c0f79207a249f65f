import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationBusyError } from './busy.js';
import type { Unlock } from './types.js';

/** KEYS[1] the lock; ARGV[1] the holder's token. Only the holder may give it back. */
export const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS[1] the lock; ARGV: the holder's token, ttl ms. Only the holder may keep it longer. */
export const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

/** The three Redis calls a lock needs, each answering as its Redis command does. */
export interface LockCommands {
  /** `SET lock token PX ttl NX`: 'OK' when taken, null when someone holds it. */
  take(lock: string, token: string, ttlMs: number): Promise<'OK' | null>;
  renew(lock: string, token: string, ttlMs: number): Promise<unknown>;
  unlock(lock: string, token: string): Promise<unknown>;
}

export interface LockTimes {
  /** How long a hold lasts unless renewed: what a process that dies holding it delays the next turn. */
  readonly ttlMs: number;
  /** How long a turn waits for the conversation before it fails with `conversation.busy`. */
  readonly waitMs: number;
}

/** The first wait between tries, and the longest: short, since most turns hold a lock for milliseconds. */
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/**
 * Holds the lock `lock` for one turn. The hold is renewed every third of its ttl while the turn
 * runs, so a long Server Request keeps it; a process that dies loses it after the ttl. Should a
 * hold lapse anyway (a process paused past its ttl), the store's compare-and-set still refuses
 * the stale turn's write.
 */
export async function holdLock(
  commands: LockCommands,
  key: string,
  lock: string,
  times: LockTimes,
): Promise<Unlock> {
  const token = randomUUID();
  const deadline = Date.now() + times.waitMs;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    if ((await commands.take(lock, token, times.ttlMs)) === 'OK') break;
    if (Date.now() >= deadline)
      throw new ConversationBusyError(key, `another turn held it for ${times.waitMs} ms`);
    // Jitter, so processes waiting for one conversation do not retry in lockstep.
    await sleep(pause * (0.5 + Math.random()));
  }
  const renewal = setInterval(() => {
    commands.renew(lock, token, times.ttlMs).catch(() => undefined);
  }, times.ttlMs / 3);
  renewal.unref();
  return async () => {
    clearInterval(renewal);
    await commands.unlock(lock, token);
  };
}
