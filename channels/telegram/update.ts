import { at, eventId, id, text, withId } from '../body.js';
import type { InboundEvent } from '../types.js';

/**
 * `/start`, `/start DATA` or `/start@SomeBot DATA`: what Telegram sends when a deep link is
 * opened (core.telegram.org/bots/features#deep-linking). The mention, used in groups, is not
 * checked against this bot's own name: the parser is not told it.
 */
const START_COMMAND = /^\/start(?:@\w+)?(?:\s+([\s\S]*))?$/;

/**
 * Reads a Telegram Bot API `Update` (core.telegram.org/bots/api#update): a message's text, or a
 * callback query's data (an inline button press). Edited messages, channel posts and other
 * update kinds carry nothing a conversation should react to.
 */
export function parseTelegramUpdate(update: unknown): InboundEvent[] {
  return readUpdate(update).map((event) => withId(event, eventId(at(update, 'update_id'))));
}

function readUpdate(update: unknown): InboundEvent[] {
  const message = at(update, 'message');
  const chatId = id(at(message, 'chat', 'id'));
  const messageText = text(at(message, 'text'));
  if (chatId !== undefined && messageText !== undefined) return [fromMessage(chatId, messageText)];

  const query = at(update, 'callback_query');
  // A button under an inline-mode message has no `message`; its chat is then the user's own.
  const queryChatId = id(at(query, 'message', 'chat', 'id')) ?? id(at(query, 'from', 'id'));
  const data = text(at(query, 'data'));
  if (queryChatId !== undefined && data !== undefined) {
    return [{ channel: 'telegram', chatId: queryChatId, text: data }];
  }
  return [];
}

function fromMessage(chatId: string, messageText: string): InboundEvent {
  const start = START_COMMAND.exec(messageText);
  if (!start) return { channel: 'telegram', chatId, text: messageText };
  return { channel: 'telegram', chatId, startParam: (start[1] ?? '').trim() };
}
