import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConversationBusyError } from './busy.js';
import type { Unlock } from './types.js';
import { StoreUnavailableError } from './unavailable.js';

/**
 * KEYS[1] the lock, KEYS[2] (when given) the conversation's hash; ARGV: the taker's token, ttl ms.
 * `SET NX PX`, and safe to run twice: a take sent again after a broken connection finds its own
 * token and holds the lock, with a fresh ttl, instead of waiting for itself. With the hash, the
 * same step reads its fields data, version and at (a turn's read): one round trip for both.
 * Answers nil when another holds the lock.
 */
export const TAKE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if KEYS[2] then return redis.call('HMGET', KEYS[2], 'data', 'version', 'at') end
return redis.status_reply('OK')
`;

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

/**
 * The three Redis calls a lock needs, each answering as its Redis command does. A call that fails
 * with a StoreUnavailableError whose `mayHaveRun` is false certainly did not run; any other failure may run
 * once Redis answers again.
 */
export interface LockCommands<Taken> {
  /** {@link TAKE}: what it read when taken (or already held with this token), null when another holds it. */
  take(lock: string, token: string, ttlMs: number): Promise<Taken | null>;
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

/** The pause between two tries to give back a lock while Redis does not answer. */
const RELEASE_PAUSE_MS = 250;

/** A lock held for one turn. */
export interface HeldLock<Taken> {
  /** What the take answered (a turn's read, when it took the lock and read in one step). */
  readonly taken: Taken;
  readonly token: string;
  /** Gives the lock back; nothing left to do after {@link given}. */
  readonly unlock: Unlock;
  /** Tells the hold that a write gave the lock back with itself: no more renewing, nothing to unlock. */
  readonly given: () => void;
}

/**
 * Holds the lock `lock` for one turn. The hold is renewed every third of its ttl while the turn
 * runs, so a long Server Request keeps it; a process that dies loses it after the ttl. Should a
 * hold lapse anyway (a process paused past its ttl), the store's compare-and-set still refuses
 * the stale turn's write.
 */
export async function holdLock<Taken>(
  commands: LockCommands<Taken>,
  key: string,
  lock: string,
  times: LockTimes,
): Promise<HeldLock<Taken>> {
  const token = randomUUID();
  const deadline = Date.now() + times.waitMs;
  let taken: Taken | null;
  for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
    try {
      taken = await commands.take(lock, token, times.ttlMs);
    } catch (error) {
      // A take that timed out runs when Redis comes back: the lock would then be held, by nobody,
      // for its whole ttl. The token is known, so it is given back as soon as Redis answers.
      if (!(error instanceof StoreUnavailableError) || error.mayHaveRun) {
        void releaseEventually(commands, lock, token, times.ttlMs);
      }
      throw error;
    }
    if (taken !== null) break;
    if (Date.now() >= deadline)
      throw new ConversationBusyError(key, `another turn held it for ${times.waitMs} ms`);
    // Jitter, so processes waiting for one conversation do not retry in lockstep.
    await sleep(pause * (0.5 + Math.random()));
  }
  const renewal = setInterval(() => {
    commands.renew(lock, token, times.ttlMs).catch(() => undefined);
  }, times.ttlMs / 3);
  renewal.unref();
  let held = true;
  return {
    taken,
    token,
    given: () => {
      held = false;
      clearInterval(renewal);
    },
    unlock: async () => {
      clearInterval(renewal);
      if (!held) return;
      held = false;
      try {
        await commands.unlock(lock, token);
      } catch {
        // Held until its ttl otherwise: the next turn of the conversation would wait all that time.
        void releaseEventually(commands, lock, token, times.ttlMs);
      }
    },
  };
}

/**
 * Gives back the lock `lock` if `token` holds it, trying until Redis answers, for at most the
 * lock's ttl (after which a lock taken before the first try has lapsed). Redis runs a
 * connection's commands in order, so once an unlock is answered, a take still waiting ahead of it
 * on the connection has run, and the lock it took is given back.
 */
async function releaseEventually(
  commands: LockCommands<unknown>,
  lock: string,
  token: string,
  ttlMs: number,
): Promise<void> {
  const deadline = Date.now() + ttlMs;
  for (;;) {
    try {
      await commands.unlock(lock, token);
      return;
    } catch {
      if (Date.now() >= deadline) return;
    }
    // Unreferenced: a process shutting down does not wait for a lock that will lapse anyway.
    await sleep(RELEASE_PAUSE_MS, undefined, { ref: false });
  }
}
