import { BotflowError } from '../error.js';

/** The store could not be reached, so the turn was neither read nor written. */
export class StoreUnavailableError extends BotflowError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('store.unavailable', message);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}
