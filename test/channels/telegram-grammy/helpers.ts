import { Bot as GrammyBot } from 'grammy';
import { TOKEN, type FakeBotApi } from './fake-bot-api.js';
import { CHAT_ID } from './updates.js';

/** A grammY bot on the fake Bot API, initialised (it has called getMe), with no handlers yet. */
export async function grammyBot(api: FakeBotApi): Promise<GrammyBot> {
  const telegram = new GrammyBot(TOKEN, { client: { apiRoot: api.apiRoot } });
  await telegram.init();
  return telegram;
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
