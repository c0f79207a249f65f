import { BotflowError } from '../error.js';

/** Another process held the conversation for longer than a turn may wait; the turn did not run. */
export class ConversationBusyError extends BotflowError {
  constructor(key: string, waitedMs: number) {
    super(
      'conversation.busy',
      `conversation "${key}" was busy with another turn for ${waitedMs} ms; try again`,
    );
  }
}
