import type { ReplyKeyboardMarkup, ReplyKeyboardRemove } from 'grammy/types';
import type { OutgoingMessage } from '../../engine/index.js';
import { splitText } from './split-text.js';

/** One `sendMessage` call: its text and, when it changes the keyboard, its `reply_markup`. */
export interface TelegramMessage {
  readonly text: string;
  readonly reply_markup?: ReplyKeyboardMarkup | ReplyKeyboardRemove;
}

/**
 * A turn's messages as Telegram messages. Buttons become a reply keyboard on their message (on
 * its last piece when a long text is split): a pressed button sends its label as an ordinary
 * message, which is exactly the reply an ask matches, and labels need no 64-byte callback_data
 * encoding. A keyboard stays up until a later turn shows none: such a turn's last message removes
 * it, so a stale keyboard never offers answers the conversation no longer expects.
 */
export function telegramMessages(messages: readonly OutgoingMessage[]): TelegramMessage[] {
  const sent = messages.flatMap(({ text, buttons }) =>
    splitText(text).map((piece, index, pieces): TelegramMessage => {
      const last = index === pieces.length - 1;
      return last && buttons ? { text: piece, reply_markup: replyKeyboard(buttons) } : { text: piece };
    }),
  );
  const final = sent.at(-1);
  if (final && !sent.some((message) => message.reply_markup)) {
    sent[sent.length - 1] = { ...final, reply_markup: { remove_keyboard: true } };
  }
  return sent;
}

/**
 * One button per row: labels are whole answers, often sentences, and side by side Telegram cuts
 * them short. The keyboard hides once used (the user can open it again) and is sized to fit.
 */
function replyKeyboard(buttons: readonly string[]): ReplyKeyboardMarkup {
  return {
    keyboard: buttons.map((text) => [{ text }]),
    one_time_keyboard: true,
    resize_keyboard: true,
  };
}
