import { Composer, type Context } from 'grammy';
import type { Message } from 'grammy/types';
import { StoreUncertainError, type Bot } from '../../engine/index.js';
import { handleUpdate, type HandledEvent } from '../adapter.js';
import { telegramMessages } from './keyboard.js';
import type { Logger } from '../log.js';

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
 * commands other than /start — goes on to the host bot's next handlers. A failed turn is thrown
 * into grammY's error handling (`bot.catch`).
 */
export function botflow<C extends Context = Context>(bot: Bot, options: BotflowOptions = {}): Composer<C> {
  const composer = new Composer<C>();
  composer.on('message:text', async (ctx, next) => {
    if (isForBotflow(ctx.message, ctx.me.username)) await runTurns(ctx, bot, options);
    else await next();
  });
  composer.on('callback_query:data', async (ctx) => {
    // Answered alongside the turn, so the button's spinner stops whatever the turn does.
    const outcomes = await Promise.allSettled([runTurns(ctx, bot, options), ctx.answerCallbackQuery()]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
  });
  return composer;
}

/**
 * Whether a text is botflow's: any text but a command, and /start addressed to this bot. Another
 * command (`/help`) is the host bot's, never a reply to the conversation, wherever the host adds
 * its handler; a command naming another bot (`/start@OtherBot` in a group) is not for this bot.
 */
function isForBotflow(message: Message.TextMessage, username: string): boolean {
  const command = message.entities?.find((entity) => entity.type === 'bot_command' && entity.offset === 0);
  if (!command) return true;
  const [name, mention = username] = message.text.slice(1, command.length).split('@');
  return name === 'start' && mention.toLowerCase() === username.toLowerCase();
}

/** The chat an update belongs to; a button under an inline-mode message has only its user's. */
export function chatIdOf(ctx: Context): number | undefined {
  return ctx.chatId ?? ctx.from?.id;
}

async function runTurns(ctx: Context, bot: Bot, options: BotflowOptions): Promise<void> {
  let handled: HandledEvent[];
  try {
    handled = await handleUpdate(bot, 'telegram', ctx.update);
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
    if (turn.diagnostics.length > 0)
      options.logger?.warn({ ...fields, diagnostics: turn.diagnostics }, 'turn');
    else options.logger?.info(fields, 'turn');
    for (const { text, ...other } of telegramMessages(turn.messages)) {
      await ctx.api.sendMessage(event.chatId, text, other);
    }
  }
}
