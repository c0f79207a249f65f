#!/usr/bin/env node
// An existing grammY bot, with its own /help command, that adds botflow as middleware: every other
// text message, and the `/start DATA` of an invitation link, runs a botflow script's conversation.
//
//   npm ci                                                # installs and builds dist/
//   TELEGRAM_TOKEN=123456789:AA… node examples/telegram-bot.js [script.yaml]
//
// TELEGRAM_TOKEN is the token @BotFather gave for your bot. The script defaults to
// scripts/client-identification.yaml; open the bot through a link such as
//   npx botflow link telegram <your_bot_username> --var cl_data="John Smith 23"
// Conversations are kept in ./botflow-sessions.db (SQLite), so they survive a restart.
// TELEGRAM_API_ROOT points the bot at a local Bot API server (http://127.0.0.1:8081).
// Ctrl-C stops it. More in docs/telegram.md.
import { fileURLToPath } from 'node:url';
import { Bot } from 'grammy';
import { createBot, loadScript, SqliteStore } from 'botflow';
import { botflow, telegramErrorForLog } from 'botflow/telegram';

const token = process.env.TELEGRAM_TOKEN;
if (!token) {
  console.error('Set TELEGRAM_TOKEN to the token @BotFather gave you.');
  process.exit(2);
}
const apiRoot = process.env.TELEGRAM_API_ROOT;

const scriptFile =
  process.argv[2] ?? fileURLToPath(new URL('../scripts/client-identification.yaml', import.meta.url));
const store = new SqliteStore('botflow-sessions.db');
const engine = createBot({ script: await loadScript(scriptFile), store });

const telegram = new Bot(token, apiRoot ? { client: { apiRoot } } : {});

// The bot's own handlers stay as they were: botflow leaves commands other than /start to them.
telegram.command('help', (ctx) =>
  ctx.reply('Open this bot through your invitation link, or send /start to begin.'),
);
telegram.use(botflow(engine, { failureReply: 'Sorry, something went wrong. Please try again later.' }));

// A failed turn (the store is down, a message could not be sent) lands here; the bot keeps going.
telegram.catch(({ ctx, error }) => {
  const { type, message } = telegramErrorForLog(error, engine, token);
  console.error(`Update ${ctx.update.update_id} failed: ${type}: ${message}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void telegram.stop());
await telegram.start({
  onStart: (me) => console.log(`@${me.username} is running ${engine.script.name}; Ctrl-C stops it.`),
});
await store.close();
