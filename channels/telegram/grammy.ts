import { Composer, type Context } from 'grammy';
import { StoreUncertainError, type Bot } from '../../engine/index.js';
import { handleEvents, type HandledEvent } from '../adapter.js';
import type { Logger } from '../log.js';
import type { InboundEvent } from '../types.js';
import { telegramMessages } from './keyboard.js';
import { telegram } from './index.js';

export interface BotflowOptions {
  /**
   * Sent to the chat when a turn fails (the session store is down, the engine failed). By
   * default the user is told nothing. Either way the error goes on to grammY's error handler.
   */
  readonly failureReply?: string;
  /**
   * Sent instead of `failureReply` when the turn may have been applied all the same (the store
   * did not confirm its write: `store.uncertain`), so the user is not asked to send again a
   * message that was taken. By default the user is told nothing.
   */
  readonly uncertainReply?: string;
  /** Gets one line per turn: `info`, or `warn` when the turn has diagnostics. */
  readonly logger?: Logger;
}

/**
 * grammY middleware that runs the engine bot's conversations: `telegramBot.use(botflow(bot))`.
 * Text messages (`/start DATA` included) and callback queries go through the bot, and each turn's
 * messages are sent with buttons as a reply keyboard. Everything else — photos, edited messages,
 * commands other than this bot's /start — goes on to the host bot's next handlers, by the same
 * reading of an update as the webhook's (`parseUpdate` with the bot's username). A failed
 * turn is thrown into grammY's error handling (`bot.catch`).
 */
export function botflow<C extends Context = Context>(bot: Bot, options: BotflowOptions = {}): Composer<C> {
  const composer = new Composer<C>();
  composer.on('message:text', async (ctx, next) => {
    const events = telegram.parseUpdate(ctx.update, { botUsername: ctx.me.username });
    if (events.length > 0) await runTurns(ctx, bot, events, options);
    else await next();
  });
  composer.on('callback_query:data', async (ctx) => {
    const events = telegram.parseUpdate(ctx.update, { botUsername: ctx.me.username });
    // Answered alongside the turn, so the button's spinner stops whatever the turn does.
    const outcomes = await Promise.allSettled([
      runTurns(ctx, bot, events, options),
      ctx.answerCallbackQuery(),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  });
  return composer;
}

/** The chat an update belongs to; a button under an inline-mode message has only its user's. */
export function chatIdOf(ctx: Context): number | undefined {
  return ctx.chatId ?? ctx.from?.id;
}

async function runTurns(
  ctx: Context,
  bot: Bot,
  events: readonly InboundEvent[],
  options: BotflowOptions,
): Promise<void> {
  let handled: HandledEvent[];
  try {
    handled = await handleEvents(bot, events);
  } catch (error) {
    const chatId = chatIdOf(ctx);
    const reply = error instanceof StoreUncertainError ? options.uncertainReply : options.failureReply;
    if (reply !== undefined && chatId !== undefined) {
      // Best effort: when the apology fails too, the turn's own error is the one to report.
      await ctx.api.sendMessage(chatId, reply).catch(() => undefined);
    }
    throw error;
  }
  for (const { event, turn } of handled) {
    const fields = { chat: event.chatId, block: turn.block, status: turn.status };
    // An info (a message that started the conversation) is no reason to warn.
    if (turn.diagnostics.some((diagnostic) => diagnostic.severity !== 'info'))
      options.logger?.warn({ ...fields, diagnostics: turn.diagnostics }, 'turn');
    else options.logger?.info(fields, 'turn');
    for (const { text, ...other } of telegramMessages(turn.messages)) {
      await ctx.api.sendMessage(event.chatId, text, other);
    }
  }
}
