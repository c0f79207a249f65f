import { BotflowError } from '../error.js';

/** The conversation was too busy with other turns to take this one; the turn did not run. */
export class ConversationBusyError extends BotflowError {
  /** `why` completes "conversation "k" is busy: …". */
  constructor(key: string, why: string) {
    super('conversation.busy', `conversation "${key}" is busy: ${why}; try again`);
  }
}
