import { GrammyError } from 'grammy';
import { telegramErrorForLog } from '../../channels/telegram/log.js';
import { createTelegramBot } from '../../channels/telegram/telegram-bot.js';
import { BotflowError, type Bot } from '../../engine/index.js';
import type { Logger } from '../../channels/log.js';

/**
 * What a Telegram user reads when a turn fails (the store is down): grammY's polling moves on past
 * a failed update, so without it the message would be dropped without a word.
 */
const FAILURE_REPLY = 'Sorry, something went wrong on our side. Please send that again in a minute.';

/** Telegram long polling as `serve` runs it. */
export interface Polling {
  /** Settles only if polling stops on its own (the token revoked, another process polling). */
  readonly failed: Promise<BotflowError>;
  /** Stops polling once the update in hand is handled. */
  stop(): Promise<void>;
}

/**
 * Checks the token with Telegram (`getMe`) and starts polling. A refused token is a BotflowError
 * here, before `serve` takes any message anywhere.
 */
export async function startPolling(bot: Bot, token: string, log: Logger): Promise<Polling> {
  const apiRoot = process.env.TELEGRAM_API_ROOT;
  const telegram = createTelegramBot(bot, token, {
    logger: log,
    failureReply: FAILURE_REPLY,
    ...(apiRoot !== undefined && apiRoot !== '' && { apiRoot }),
  });
  const failure = (error: unknown) => {
    const logged = telegramErrorForLog(error, bot, token);
    log.error({ error: logged }, 'Telegram polling stopped');
    return new BotflowError('serve.telegram', pollingFailure(error, String(logged.message)));
  };
  try {
    await telegram.init();
  } catch (error) {
    throw failure(error);
  }
  let polling: Promise<void> = Promise.resolve();
  const failed = new Promise<BotflowError>((resolve) => {
    polling = telegram
      .start({
        onStart: (me) => {
          log.info({ bot: me.username }, 'polling Telegram');
        },
      })
      .catch((error: unknown) => {
        resolve(failure(error));
      });
  });
  return {
    failed,
    stop: async () => {
      if (telegram.isRunning()) await telegram.stop();
      await polling;
    },
  };
}

/** The sentence `serve` exits with when polling fails; `reason` is the error's message, token masked. */
function pollingFailure(error: unknown, reason: string): string {
  // grammY's "Call to 'getMe' failed! (401: Unauthorized)" does not say which setting is wrong.
  if (error instanceof GrammyError && error.error_code === 401) {
    return 'Telegram refused the bot token (401 Unauthorized); check --telegram-token or TELEGRAM_TOKEN.';
  }
  return `Telegram polling stopped: ${reason}.`;
}
