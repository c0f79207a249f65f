import { isConversationKey, KEY_LIMIT, type Bot } from '../../engine/index.js';
import { readJson } from './body.js';
import { HttpError } from './errors.js';
import { jsonReply } from './reply.js';
import type { Route } from './routes.js';
import { messageBody, parseBody, startBody } from './schemas.js';

/** The JSON API over one bot's conversations; each answers the conversation's Turn. */
export function conversationRoutes(bot: Bot, bodyLimit: number): Route[] {
  return [
    {
      pattern: '/conversations/:key',
      guarded: true,
      methods: {
        GET: async ({ param }) => {
          const turn = await bot.conversation(conversationKey(param));
          if (!turn) throw new HttpError('conversation.not-found', 'there is no conversation with this key');
          return jsonReply(200, turn);
        },
      },
    },
    {
      pattern: '/conversations/:key/start',
      guarded: true,
      methods: {
        POST: async ({ request, param }) => {
          const key = conversationKey(param);
          const options = parseBody(startBody, await readJson(request, bodyLimit));
          return jsonReply(200, await bot.start(key, options));
        },
      },
    },
    {
      pattern: '/conversations/:key/messages',
      guarded: true,
      methods: {
        POST: async ({ request, param }) => {
          const key = conversationKey(param);
          const { text, ...options } = parseBody(messageBody, await readJson(request, bodyLimit));
          return jsonReply(200, await bot.send(key, text, options));
        },
      },
    },
  ];
}

/** The key a path segment names: percent-decoded, 1 to KEY_LIMIT characters, no control characters. */
function conversationKey(segment: string): string {
  let key: string | undefined;
  try {
    key = decodeURIComponent(segment);
  } catch {
    key = undefined; // broken percent-encoding or UTF-8
  }
  if (key === undefined || !isConversationKey(key)) {
    throw new HttpError(
      'http.bad-key',
      `a conversation key must be 1 to ${KEY_LIMIT} characters of URL-encoded text without control characters`,
    );
  }
  return key;
}
