import { Bot as GrammyBot } from 'grammy';
import { pino } from 'pino';
import type { Bot } from '../../engine/index.js';
import { botflow, chatIdOf, type BotflowOptions } from './grammy.js';
import { telegramErrorForLog } from './log.js';

export interface TelegramBotOptions extends BotflowOptions {
  /** Another Bot API server, such as a local one (`http://127.0.0.1:8081`); no trailing slash. */
  readonly apiRoot?: string;
}

/**
 * A grammY bot that runs the engine bot's conversations and nothing else, with an error handler
 * that logs a failed update (token and secrets masked) and keeps polling. Logs go to `logger`,
 * by default pino on stdout. For `botflow serve`:
 *
 * ```ts
 * const telegram = createTelegramBot(bot, token, { logger });
 * process.once('SIGTERM', () => void telegram.stop());
 * await telegram.start({ onStart: (me) => logger.info({ bot: me.username }, 'polling') });
 * ```
 *
 * `start()` resolves once `stop()` has ended the polling, and rejects when the token is refused
 * (401) or another process polls with it (409): log that with `telegramErrorForLog`.
 */
export function createTelegramBot(bot: Bot, token: string, options: TelegramBotOptions = {}): GrammyBot {
  const { apiRoot, logger = pino(), ...middleware } = options;
  const telegram = new PollingBot(token, apiRoot === undefined ? {} : { client: { apiRoot } });
  telegram.use((_ctx, next) => (telegram.stopping ? Promise.resolve() : next()));
  telegram.use(botflow(bot, { ...middleware, logger }));
  telegram.catch(({ ctx, error }) => {
    logger.error(
      {
        update: ctx.update.update_id,
        chat: chatIdOf(ctx)?.toString(),
        error: telegramErrorForLog(error, bot, token),
      },
      'a Telegram update failed',
    );
  });
  return telegram;
}

/**
 * grammY's `stop()` confirms the updates up to the one in hand, but its loop then goes on through
 * the rest of the fetched batch, whose updates Telegram sends again after a restart: they would
 * run twice. Once stopping, this bot finishes the update in hand and leaves the rest of the batch,
 * unconfirmed, for the next start.
 */
class PollingBot extends GrammyBot {
  stopping = false;

  override async stop(): Promise<void> {
    this.stopping = true;
    await super.stop();
  }
}
