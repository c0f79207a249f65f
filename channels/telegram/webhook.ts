import { Api, GrammyError, HttpError } from 'grammy';
import { BotflowError, secretMasker } from '../../engine/index.js';
import type { HandledEvent, WebhookAdapter, WebhookAnswer } from '../adapter.js';
import { at, eventId, text } from '../body.js';
import { PLATFORM_TIMEOUT_MS } from '../platform-api.js';
import { isSameSecret, readJson, REFUSED, singleHeader } from '../webhook-guard.js';
import { apiRootOption, requiredOption } from '../webhook-options.js';
import { telegramMessages } from './keyboard.js';
import { telegram } from './index.js';

/*
 * Telegram's webhook (core.telegram.org/bots/api#setwebhook): Telegram POSTs each Update as JSON,
 * with the `secret_token` given to setWebhook in the X-Telegram-Bot-Api-Secret-Token header, and
 * waits for a 2XX answer before it sends that chat's next update.
 */

export interface TelegramWebhookOptions {
  /** The bot token from @BotFather. */
  readonly token: string;
  /** The `secret_token` given to setWebhook: 1 to 256 characters, A-Z a-z 0-9 _ and -. */
  readonly secretToken: string;
  /** Another Bot API server, such as a local one (`http://127.0.0.1:8081`). Default https://api.telegram.org. */
  readonly apiRoot?: string;
  /**
   * The bot's own username, as getMe gives it, which tells `/start@ThisBot` from `/start@OtherBot`.
   * Without it the webhook calls getMe itself, once, at the first update.
   */
  readonly username?: string;
}

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** What setWebhook accepts as a secret_token. */
export const TELEGRAM_SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** Telegram reads only the status; an empty 200 says the update arrived. */
const RECEIVED: WebhookAnswer = { status: 200, body: '' };

/**
 * How many callback query ids wait between `screen` and `deliver` at most. An update whose turn
 * failed never reaches `deliver`, so its id is dropped once this many newer ones came.
 */
const PENDING_QUERIES = 1000;

/**
 * A webhook for a Telegram bot, the same conversation as the grammY middleware: a POST must carry
 * the secret token (compared in constant time) and be JSON; replies go through grammY's `Api`
 * `sendMessage`, buttons as a reply keyboard (see `telegramMessages`), and a pressed inline button
 * is answered with answerCallbackQuery so its spinner stops.
 */
export function createTelegramWebhook(options: TelegramWebhookOptions): WebhookAdapter {
  const token = requiredOption('telegram', 'token', options.token);
  const secretToken = secretTokenOption(options.secretToken);
  const apiRoot = apiRootOption('telegram', options.apiRoot ?? TELEGRAM_API_ROOT);
  const api = new Api(token, { apiRoot, timeoutSeconds: PLATFORM_TIMEOUT_MS / 1000 });
  // The callback query of each update let through, by the event id the update parser gives it.
  const pendingQueries = new Map<string, string>();
  let username: Promise<string> | undefined =
    options.username === undefined ? undefined : Promise.resolve(options.username);
  const ownUsername = (): Promise<string> => {
    username ??= api.getMe().then(
      (me) => me.username,
      (error: unknown) => {
        username = undefined; // asked again at the next update
        throw sendFailed(error, token, 'getMe');
      },
    );
    return username;
  };

  const send = async ({ event, turn }: HandledEvent) => {
    for (const { text: message, ...other } of telegramMessages(turn.messages)) {
      await api.sendMessage(event.chatId, message, other);
    }
  };
  const answerQuery = async ({ event, turn }: HandledEvent) => {
    const queryId = event.id === undefined ? undefined : pendingQueries.get(event.id);
    if (event.id !== undefined) pendingQueries.delete(event.id);
    // A redelivered press was answered the first time: Telegram refuses a second answer.
    const duplicate = turn.diagnostics.some((diagnostic) => diagnostic.code === 'message.duplicate');
    if (queryId !== undefined && !duplicate) await api.answerCallbackQuery(queryId);
  };

  return {
    channel: 'telegram',
    accepted: RECEIVED,
    screen(request) {
      if (request.method !== 'POST') return REFUSED.method;
      const given = singleHeader(request, 'x-telegram-bot-api-secret-token');
      if (!isSameSecret(given, secretToken)) return REFUSED.badSecret;
      const body = readJson(request.rawBody);
      if (!body) return REFUSED.notJson;
      remember(pendingQueries, body.value);
      return undefined;
    },
    async events(update) {
      return telegram.parseUpdate(update, { botUsername: await ownUsername() });
    },
    async deliver(handled) {
      // One update is one event; each press is answered alongside its turn's messages, as the middleware does.
      const outcomes = await Promise.allSettled(
        handled.flatMap((event) => [send(event), answerQuery(event)]),
      );
      const failure = outcomes.find((outcome) => outcome.status === 'rejected');
      if (failure) throw sendFailed(failure.reason, token, 'the message');
      return RECEIVED;
    },
  };
}

/** Keeps a callback query's id for `deliver`, under the event id `parseTelegramUpdate` gives it. */
function remember(pending: Map<string, string>, update: unknown): void {
  const queryId = text(at(update, 'callback_query', 'id'));
  const id = eventId(at(update, 'update_id'));
  if (queryId === undefined || id === undefined) return;
  pending.delete(id);
  pending.set(id, queryId);
  const oldest = pending.keys().next();
  if (pending.size > PENDING_QUERIES && oldest.done !== true) pending.delete(oldest.value);
}

/** The secretToken option, checked as setWebhook would check it; the message never quotes it. */
export function secretTokenOption(value: unknown): string {
  const secret = requiredOption('telegram', 'secretToken', value);
  if (!TELEGRAM_SECRET_TOKEN.test(secret)) {
    // The value is a secret: the message describes it, never quotes it.
    throw new BotflowError(
      'channel.bad-option',
      'the telegram webhook needs a secretToken of 1 to 256 characters A-Z, a-z, 0-9, _ and -',
    );
  }
  return secret;
}

/**
 * A failed Bot API call as `channel.send-failed`, in the words the other webhooks use. Only the
 * error's code and Telegram's description are quoted, with the token masked: grammY puts the
 * token in every request URL, which a network error's message can quote.
 */
function sendFailed(error: unknown, token: string, what: string): BotflowError {
  const mask = secretMasker([token]);
  const message =
    error instanceof GrammyError
      ? `the Telegram Bot API refused ${what} with HTTP ${error.error_code}: ${mask(error.description).replace(/\.+$/, '')}`
      : error instanceof HttpError
        ? 'the Telegram Bot API could not be reached'
        : `the Telegram Bot API call failed: ${mask(error instanceof Error ? error.message : String(error))}`;
  return new BotflowError('channel.send-failed', message);
}
