import { at, eventId, id, text, withId } from '../body.js';
import type { InboundEvent, UpdateOptions } from '../types.js';

/**
 * A command as Telegram marks it when a message starts with one, for updates that come without
 * `entities` (hand-written ones, as in QA cases; Telegram's own always have them): `/`, 1 to 32
 * letters, digits or underscores, and `@botname` in groups, then a space or the end.
 */
const COMMAND_SYNTAX = /^\/\w{1,32}(?:@\w+)?(?=\s|$)/;

/**
 * Reads a Telegram Bot API `Update` (core.telegram.org/bots/api#update): a message's text, or a
 * callback query's data (an inline button press). Edited messages, channel posts and other
 * update kinds carry nothing a conversation should react to; nor does a command other than this
 * bot's `/start` (see {@link startCommand}). `botUsername` is the bot's own (getMe); without it a
 * `/start@AnyBot` is left alone, since nothing says AnyBot is this bot.
 */
export function parseTelegramUpdate(update: unknown, { botUsername }: UpdateOptions = {}): InboundEvent[] {
  return readUpdate(update, botUsername).map((event) => withId(event, eventId(at(update, 'update_id'))));
}

function readUpdate(update: unknown, botUsername: string | undefined): InboundEvent[] {
  const message = at(update, 'message');
  const chatId = id(at(message, 'chat', 'id'));
  const messageText = text(at(message, 'text'));
  if (chatId !== undefined && messageText !== undefined) {
    const start = startCommand(messageText, at(message, 'entities'), botUsername);
    if (start === undefined) return [{ channel: 'telegram', chatId, text: messageText }];
    return start === null ? [] : [{ channel: 'telegram', chatId, startParam: start }];
  }

  const query = at(update, 'callback_query');
  // A button under an inline-mode message has no `message`; its chat is then the user's own.
  const queryChatId = id(at(query, 'message', 'chat', 'id')) ?? id(at(query, 'from', 'id'));
  const data = text(at(query, 'data'));
  if (queryChatId !== undefined && data !== undefined) {
    return [{ channel: 'telegram', chatId: queryChatId, text: data }];
  }
  return [];
}

/**
 * What a message's text is to this bot, by grammY's rule for `bot.command('start')`: the command
 * is the `bot_command` entity at offset 0; `/start` and `/start@<this bot>` (any case) start, with
 * the rest of the text as the link's data (`/start DATA` is what a deep link sends). Any other
 * command (`/help`, `/start@OtherBot`, `/start@<any bot>` when this bot's username is unknown) is
 * null: the host bot's, never a reply to the conversation.
 * Text that is no command is undefined: a reply.
 */
function startCommand(
  messageText: string,
  entities: unknown,
  botUsername: string | undefined,
): string | null | undefined {
  const length = Array.isArray(entities)
    ? commandLength(entities)
    : COMMAND_SYNTAX.exec(messageText)?.[0].length;
  if (length === undefined) return undefined;
  const command = messageText.slice(1, length);
  const atSign = command.indexOf('@');
  const name = atSign === -1 ? command : command.slice(0, atSign);
  const mention = atSign === -1 ? undefined : command.slice(atSign + 1);
  const ours =
    name === 'start' && (mention === undefined || mention.toLowerCase() === botUsername?.toLowerCase());
  return ours ? messageText.slice(length).trim() : null;
}

/** The length of the `bot_command` entity at offset 0, if there is one. */
function commandLength(entities: readonly unknown[]): number | undefined {
  const command = entities.find(
    (entity) => at(entity, 'type') === 'bot_command' && at(entity, 'offset') === 0,
  );
  const length = at(command, 'length');
  return typeof length === 'number' && Number.isSafeInteger(length) && length > 0 ? length : undefined;
}
