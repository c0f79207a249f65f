import { setting, type Environment } from './environment.js';
import { Api, GrammyError } from 'grammy';
import { telegramErrorForLog } from '../../channels/telegram/log.js';
import { createTelegramBot } from '../../channels/telegram/telegram-bot.js';
import { secretTokenOption } from '../../channels/telegram/webhook.js';
import { BotflowError, type Bot } from '../../engine/index.js';
import type { Logger } from '../../channels/log.js';
import { UsageError } from '../exit.js';
import { TELEGRAM_WEBHOOK_SECRET } from './webhooks.js';

/**
 * What a Telegram user reads when a turn fails (the store is down): grammY's polling moves on past
 * a failed update, so without it the message would be dropped without a word.
 */
const FAILURE_REPLY = 'Sorry, something went wrong on our side. Please send that again in a minute.';

/**
 * What a Telegram user reads when the turn may have been stored all the same (`store.uncertain`):
 * sending it again could apply the message twice, since a resent message is a new update.
 */
const UNCERTAIN_REPLY =
  'Sorry, something went wrong on our side. Your message may have gone through: please do not send it again, and wait a minute before you go on.';

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
  const telegram = createTelegramBot(bot, token, {
    logger: log,
    failureReply: FAILURE_REPLY,
    uncertainReply: UNCERTAIN_REPLY,
    ...apiRoot(),
  });
  const failure = (error: unknown) =>
    telegramFailure(error, { bot, token, log, logMessage: 'Telegram polling stopped' });
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

/** Telegram by webhook, as the environment sets it up: the secret turns it on. */
export interface TelegramWebhookSetup {
  readonly token: string;
  readonly secret: string;
  /** Given to setWebhook at start; without it, the webhook is set up by hand. */
  readonly url?: string;
}

/**
 * Whether `serve` takes Telegram updates by webhook rather than long polling, checked before
 * anything starts: the webhook needs the HTTP server, the token, and the secret its URL is set with.
 */
export function telegramWebhookSetup(
  environment: Environment,
  token: string | undefined,
  http: boolean,
): TelegramWebhookSetup | undefined {
  const secret = setting(environment, TELEGRAM_WEBHOOK_SECRET);
  const url = setting(environment, 'TELEGRAM_WEBHOOK_URL');
  if (secret === undefined) {
    if (url === undefined) return undefined;
    throw new BotflowError(
      'serve.webhook-setup',
      `the telegram webhook needs ${TELEGRAM_WEBHOOK_SECRET} set as well as TELEGRAM_WEBHOOK_URL`,
    );
  }
  if (!http) throw new UsageError(`a Telegram webhook (${TELEGRAM_WEBHOOK_SECRET}) needs --http PORT`);
  if (token === undefined) {
    throw new BotflowError(
      'serve.webhook-setup',
      `the telegram webhook needs TELEGRAM_TOKEN set as well as ${TELEGRAM_WEBHOOK_SECRET}`,
    );
  }
  // Checked here, before anything starts or calls Telegram, rather than when the adapter is made.
  secretTokenOption(secret);
  return { token, secret, ...(url !== undefined && { url }) };
}

/**
 * Points Telegram at the webhook (setWebhook with the URL and the secret token), once the HTTP
 * server listens, so the first update finds it. A refusal is a BotflowError, token masked.
 */
export async function setTelegramWebhook(
  bot: Bot,
  { token, secret, url }: TelegramWebhookSetup & { readonly url: string },
  log: Logger,
): Promise<void> {
  const api = new Api(token, apiRoot());
  try {
    await api.setWebhook(url, { secret_token: secret });
  } catch (error) {
    throw telegramFailure(error, { bot, token, log, logMessage: 'Telegram refused the webhook' });
  }
  log.info({ url }, 'Telegram webhook set');
}

/**
 * The bot's username (getMe), which the webhook reads `/start@name` against as the polling
 * middleware does. It checks the token too: a refused one is a BotflowError here, before `serve`
 * takes any message.
 */
export async function telegramUsername(bot: Bot, token: string, log: Logger): Promise<string> {
  try {
    return (await new Api(token, apiRoot()).getMe()).username;
  } catch (error) {
    throw telegramFailure(error, { bot, token, log, logMessage: 'Telegram refused getMe' });
  }
}

/** TELEGRAM_API_ROOT, as grammY's option: a local Bot API server, or a test's. */
function apiRoot(): { apiRoot?: string } {
  const root = setting(process.env, 'TELEGRAM_API_ROOT');
  return root === undefined ? {} : { apiRoot: root };
}

/** Logs a failed Bot API call (token masked) and makes it the sentence `serve` exits with. */
function telegramFailure(
  error: unknown,
  { bot, token, log, logMessage }: { bot: Bot; token: string; log: Logger; logMessage: string },
): BotflowError {
  const logged = telegramErrorForLog(error, bot, token);
  log.error({ error: logged }, logMessage);
  // grammY's "Call to 'getMe' failed! (401: Unauthorized)" does not say which setting is wrong.
  if (error instanceof GrammyError && error.error_code === 401) {
    return new BotflowError(
      'serve.telegram',
      'Telegram refused the bot token (401 Unauthorized); check --telegram-token or TELEGRAM_TOKEN',
    );
  }
  return new BotflowError('serve.telegram', `${logMessage}: ${String(logged.message)}`);
}
