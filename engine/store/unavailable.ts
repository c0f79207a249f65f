import { BotflowError } from '../error.js';

/** The store could not be reached, so the turn was neither read nor written. */
export class StoreUnavailableError extends BotflowError {
  /**
   * The failed command was sent and its answer never came, so the store may still run it (a
   * read, or a lock's own command: never a turn's write, which fails with StoreUncertainError).
   */
  readonly mayHaveRun: boolean;

  constructor(message: string, options?: { cause?: unknown; mayHaveRun?: boolean }) {
    super('store.unavailable', message);
    if (options && 'cause' in options) this.cause = options.cause;
    this.mayHaveRun = options?.mayHaveRun ?? false;
  }
}

/**
 * A write reached the store but its answer never came back, and reading the conversation again
 * did not tell whether it was applied: the turn may have been stored. Retrying with the same
 * message id is safe (a turn already applied is recognised and not applied twice).
 */
export class StoreUncertainError extends BotflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store.uncertain', message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}
