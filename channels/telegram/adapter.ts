// `botflow/telegram`: the grammY adapter, apart from `botflow/channels` so that only hosts that run
// a Telegram bot load grammY.
export { botflow, type BotflowOptions } from './grammy.js';
export { telegramErrorForLog } from './log.js';
export { createTelegramBot, type TelegramBotOptions } from './telegram-bot.js';
export { createTelegramWebhook, type TelegramWebhookOptions } from './webhook.js';
export type { Logger } from '../log.js';
