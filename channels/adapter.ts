import type { Bot, Turn } from '../engine/index.js';
import { channels } from './registry.js';
import type { ChannelName, InboundEvent, UpdateOptions } from './types.js';

/** The store key of a conversation on a messenger: one per chat, never shared between messengers. */
export function conversationKey(channel: ChannelName, chatId: string): string {
  return `${channel}:${chatId}`;
}

/** One event of an update and the turn it ran. */
export interface HandledEvent {
  readonly event: InboundEvent;
  readonly key: string;
  readonly turn: Turn;
}

/**
 * Runs a raw messenger update (a webhook body, a Telegram `Update`) through the bot: a start for
 * an invitation link's data, a send for a text, in the order the update lists them. A Telegram
 * `/start@name` starts only with `options.botUsername` naming this bot. Lives here, not on `Bot`,
 * because the engine knows no messenger's name (docs/runtime.md, "The bot API").
 */
export function handleUpdate(
  bot: Bot,
  channel: ChannelName,
  update: unknown,
  options: UpdateOptions = {},
): Promise<HandledEvent[]> {
  return handleEvents(bot, channels[channel].parseUpdate(update, options));
}

/**
 * Runs an authentic webhook update through the bot, read by the adapter's own `events` when it
 * has one (Telegram's needs the bot's username), else by its channel's `parseUpdate`.
 */
export async function handleWebhookUpdate(
  bot: Bot,
  adapter: WebhookAdapter,
  update: unknown,
): Promise<HandledEvent[]> {
  const events = adapter.events
    ? await adapter.events(update)
    : channels[adapter.channel].parseUpdate(update);
  return handleEvents(bot, events);
}

/**
 * Runs the events of one update, in order. Events of one conversation stay in order because the
 * bot queues turns per conversation.
 */
export async function handleEvents(bot: Bot, events: readonly InboundEvent[]): Promise<HandledEvent[]> {
  const handled: HandledEvent[] = [];
  for (const event of events) {
    const key = conversationKey(event.channel, event.chatId);
    const messageId = event.id === undefined ? {} : { messageId: event.id };
    if (event.startParam !== undefined) {
      const turn = await bot.start(key, {
        startParam: event.startParam,
        channel: event.channel,
        ...messageId,
      });
      handled.push({ event, key, turn });
    } else if (event.text !== undefined) {
      handled.push({ event, key, turn: await bot.send(key, event.text, messageId) });
    }
  }
  return handled;
}

/** An HTTP request as a webhook sees it: the raw body is kept because signatures are over its bytes. */
export interface WebhookRequest {
  readonly method: string;
  /** Header names in lower case, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly query: URLSearchParams;
  readonly rawBody: Buffer;
}

/** What to answer the messenger's server. */
export interface WebhookAnswer {
  readonly status: number;
  readonly body: string;
  /** Default `text/plain`; Viber's welcome message is JSON. */
  readonly contentType?: 'application/json' | 'text/plain';
}

/**
 * A messenger's webhook: checks that a request really comes from the messenger, answers the
 * messenger's own requests (verification handshakes), and sends replies back through its API.
 */
export interface WebhookAdapter {
  readonly channel: ChannelName;
  /**
   * An answer to give without running any turn: the verify handshake, a confirmation request, or
   * a refusal (401 for a bad signature, 400 for a body that is not JSON). Undefined when the
   * request is an authentic update whose events should run.
   */
  screen(request: WebhookRequest): WebhookAnswer | undefined;
  /**
   * The events of an update `screen` let through, when the channel's `parseUpdate` is not enough
   * (Telegram's webhook reads commands against the bot's own username). Default: `parseUpdate`.
   */
  events?(update: unknown): Promise<readonly InboundEvent[]>;
  /**
   * The answer that tells the messenger an update arrived, given when its turns ran but a reply
   * could not be sent: the turns are stored, so a redelivered update would apply them twice.
   */
  readonly accepted: WebhookAnswer;
  /**
   * Sends the handled events' messages through the messenger's API (buttons as its native
   * keyboard) and says what to answer the messenger's server: `200` for most, the text `ok` for
   * VK, the welcome message itself for Viber's `conversation_started`.
   */
  deliver(handled: readonly HandledEvent[]): Promise<WebhookAnswer>;
}
