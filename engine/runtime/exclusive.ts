import { BotflowError } from '../error.js';
import type { SessionStore, Unlock } from '../store/types.js';

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
 * Runs a turn while holding the conversation in a shared store (other processes wait), and runs
 * it again on the newer state when another write still came first (a hold that lapsed, or a
 * store without locks shared by two processes): a turn is applied once or fails, never lost.
 */
export function exclusively<T>(store: SessionStore, key: string, turn: () => Promise<T>): Promise<T> {
  // A store one process owns has no lock: the per-conversation queue is enough, and the hot path
  // of a turn stays free of the lock's awaits.
  return store.lock ? holding(store.lock(key), turn) : retried(turn);
}

async function holding<T>(hold: Promise<Unlock>, turn: () => Promise<T>): Promise<T> {
  const unlock = await hold;
  try {
    return await retried(turn);
  } finally {
    // The turn is stored (or failed) already; a hold that cannot be given back lapses on its own.
    await unlock().catch(() => undefined);
  }
}
