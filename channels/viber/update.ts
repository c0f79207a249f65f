import { at, eventId, id, text, withId } from '../body.js';
import type { InboundEvent } from '../types.js';

/**
 * Reads a Viber REST Bot API callback: `conversation_started` (the user opened the chat, from a
 * deep link or the info screen; creators.viber.com/docs/bots-api/events/conversation-started) and
 * `message` (developers.viber.com/docs/api/rest-bot-api/#receive-message-from-user). Keyboard
 * buttons reply as text messages too, so their value arrives as text.
 */
export function parseViberUpdate(body: unknown): InboundEvent[] {
  // The token with the time: Viber's tokens exceed what a JSON number holds exactly.
  const messageId = eventId(at(body, 'timestamp'), at(body, 'message_token'));
  return readEvent(body).map((event) => withId(event, messageId));
}

function readEvent(body: unknown): InboundEvent[] {
  switch (at(body, 'event')) {
    case 'conversation_started': {
      const chatId = id(at(body, 'user', 'id'));
      // Without a deep-link context this is still a start, like Telegram's bare `/start`.
      const startParam = text(at(body, 'context')) ?? '';
      return chatId === undefined ? [] : [{ channel: 'viber', chatId, startParam }];
    }
    case 'message': {
      const chatId = id(at(body, 'sender', 'id'));
      const message = at(body, 'message');
      const messageText = at(message, 'type') === 'text' ? text(at(message, 'text')) : undefined;
      return chatId === undefined || messageText === undefined
        ? []
        : [{ channel: 'viber', chatId, text: messageText }];
    }
    default:
      return [];
  }
}
