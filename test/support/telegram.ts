import type { Update } from 'grammy/types';

/**
 * Updates in the shape of the Bot API reference (core.telegram.org/bots/api#update, #message,
 * #callbackquery) from a private chat with a made-up user.
 */
export const CHAT_ID = 111222333;

const user = { id: CHAT_ID, is_bot: false, first_name: 'John', username: 'john', language_code: 'en' };
const chat = { id: CHAT_ID, first_name: 'John', username: 'john', type: 'private' as const };

/** A supergroup the bot was added to, with `startgroup`. */
export const GROUP_CHAT = { id: -1001234567890, title: 'Shop fans', type: 'supergroup' as const };

let messageId = 1000;
/** Increasing, as Telegram's are, so a polling bot's offset confirms each update once. */
let updateId = 500000;

function message(inChat: typeof chat | typeof GROUP_CHAT = chat) {
  return { message_id: ++messageId, from: user, chat: inChat, date: 1441645532 };
}

/** A text message; a leading `/word` is marked as a bot command, as Telegram marks it. */
export function textUpdate(text: string, inChat: typeof chat | typeof GROUP_CHAT = chat): Update {
  const command = /^\/\S+/.exec(text);
  const entities = command && {
    entities: [{ type: 'bot_command' as const, offset: 0, length: command[0].length }],
  };
  return { update_id: ++updateId, message: { ...message(inChat), text, ...entities } };
}

export function photoUpdate(): Update {
  return {
    update_id: ++updateId,
    message: {
      ...message(),
      photo: [{ file_id: 'AgAD-photo', file_unique_id: 'photo-1', width: 90, height: 90 }],
    },
  };
}

export function editedUpdate(text: string): Update {
  return { update_id: ++updateId, edited_message: { ...message(), text, edit_date: 1441645600 } };
}

/** A press on an inline button with `data`, under one of the bot's messages. */
export function callbackUpdate(data: string): Update {
  return {
    update_id: ++updateId,
    callback_query: {
      id: `query-${++messageId}`,
      from: user,
      chat_instance: '-1234567890',
      message: { ...message(), from: { ...user, id: 123456789, is_bot: true }, text: 'Pick one' },
      data,
    },
  };
}

/** The reply keyboard botflow sends for these button labels. */
export function keyboard(...labels: string[]): Record<string, unknown> {
  return { keyboard: labels.map((text) => [{ text }]), one_time_keyboard: true, resize_keyboard: true };
}

export const REMOVE_KEYBOARD = { remove_keyboard: true };

/** A `sendMessage` call botflow makes to the test chat, whose id it gives as the conversation's key does: as text. */
export function sent(text: string, replyMarkup?: Record<string, unknown>): Record<string, unknown> {
  return { chat_id: String(CHAT_ID), text, ...(replyMarkup && { reply_markup: replyMarkup }) };
}
