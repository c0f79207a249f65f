import { BotflowError } from '../error.js';

/** The longest conversation key: room for any messenger's `channel:chatId`, and a bound on what is stored and locked. */
export const KEY_LIMIT = 256;

/** True for a usable conversation key: 1 to KEY_LIMIT characters, no control characters. */
export function isConversationKey(key: string): boolean {
  return key !== '' && key.length <= KEY_LIMIT && !/\p{Cc}/u.test(key);
}

/** A conversation key that is empty, too long or holds control characters. */
export class ConversationKeyError extends BotflowError {
  constructor() {
    super(
      'conversation.bad-key',
      `a conversation key must be 1 to ${KEY_LIMIT} characters without control characters`,
    );
  }
}
