import { BotflowError } from '../error.js';
import type { Hold, SessionStore, StoredRecord, TurnSummary, Unlock } from '../store/types.js';

/** Another process (or a stale turn) stored this conversation first; the turn was not applied. */
export class ConversationConflictError extends BotflowError {
  constructor(key: string) {
    super(
      'conversation.conflict',
      `conversation "${key}" was changed by another turn at the same time; try again`,
    );
  }
}

/** How often a turn runs before a write that keeps losing to another process's is given up. */
const CONFLICT_ATTEMPTS = 3;

/** Runs `turn` again, on the newer state it reads afresh, while its write loses to another's. */
function retried<T>(turn: () => Promise<T>, attempt = 1): Promise<T> {
  return turn().catch((error: unknown) => {
    if (!(error instanceof ConversationConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    return retried(turn, attempt + 1);
  });
}

/**
 * The store as a bot's turns use it. Each turn holds its conversation in a shared store (other
 * processes wait), and runs again on the newer state when another write still came first (a hold
 * that lapsed, or a store without locks shared by two processes): a turn is applied once or
 * fails, never lost. With a store that holds and reads in one step ({@link SessionStore.hold}),
 * the turn's first read is the record read with the hold, and its write gives the hold back: two
 * round trips instead of four. The bot runs one turn of a conversation at a time (its queue), so
 * a conversation has at most one hold here.
 */
export class TurnStore implements SessionStore {
  /** The holds of the turns running now, by conversation key; `unread` until the turn reads it. */
  private readonly holds = new Map<string, { readonly hold: Hold; unread: boolean }>();

  constructor(private readonly store: SessionStore) {}

  /** Runs `turn` while holding the conversation `key`. */
  exclusively<T>(key: string, turn: () => Promise<T>): Promise<T> {
    if (this.store.hold) return this.holding(key, this.store.hold(key), turn);
    // A store one process owns has no lock: the per-conversation queue is enough, and the hot path
    // of a turn stays free of the lock's awaits.
    return this.store.lock ? locking(this.store.lock(key), turn) : retried(turn);
  }

  get(key: string): Promise<StoredRecord | undefined> {
    const held = this.holds.get(key);
    if (!held?.unread) return this.store.get(key);
    // Read once: a turn that runs again after a lost write reads the newer state.
    held.unread = false;
    return Promise.resolve(held.hold.record);
  }

  put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined> {
    const held = this.holds.get(key);
    if (!held) return this.store.put(key, data, expected, summary);
    held.unread = false;
    return held.hold.put(data, expected, summary);
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }

  private async holding<T>(key: string, taking: Promise<Hold>, turn: () => Promise<T>): Promise<T> {
    const hold = await taking;
    this.holds.set(key, { hold, unread: true });
    try {
      return await retried(turn);
    } finally {
      this.holds.delete(key);
      // The turn is stored (or failed) already; a hold that cannot be given back lapses on its own.
      await hold.unlock().catch(() => undefined);
    }
  }
}

async function locking<T>(hold: Promise<Unlock>, turn: () => Promise<T>): Promise<T> {
  const unlock = await hold;
  try {
    return await retried(turn);
  } finally {
    // The turn is stored (or failed) already; a hold that cannot be given back lapses on its own.
    await unlock().catch(() => undefined);
  }
}
