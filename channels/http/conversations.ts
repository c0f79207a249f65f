import * as z from 'zod';
import { isConversationKey, KEY_LIMIT, type Bot } from '../../engine/index.js';
import { turnAnswer } from './answers.js';
import { readJson } from './body.js';
import {
  BODY_ERRORS,
  CONVERSATION_KEY,
  errorAnswerDoc,
  jsonAnswer,
  STORE_ERRORS,
  type OperationDoc,
} from './docs.js';
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
      doc: {
        param: CONVERSATION_KEY,
        operations: {
          GET: {
            summary: 'Where the conversation stands',
            description: 'The turn without running anything: `messages` is empty.',
            tag: 'conversations',
            query: VARIABLES_QUERY,
            answers: {
              200: jsonAnswer('where the conversation stands', turnAnswer),
              400: KEY_ERROR,
              ...TOKEN_ERROR,
              404: errorAnswerDoc('`conversation.not-found`: there is no conversation under this key'),
              ...STORE_ERRORS,
            },
          },
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
      doc: {
        param: CONVERSATION_KEY,
        operations: {
          POST: turnOperation({
            summary: 'Start a conversation',
            description:
              'Starts the conversation under the key, or restarts it (the bot’s `onStart` decides), with the invitation data given.',
            body: startBody,
            answers: {
              400: errorAnswerDoc(
                '`http.bad-key`, `http.bad-json`, `http.invalid-body`, or `start.ambiguous`: both `startParam` and `payload`',
              ),
              413: errorAnswerDoc(
                '`http.body-too-large`; `variables.too-many` or `variables.too-large`: the start’s data is over the bot’s limits',
              ),
              422: errorAnswerDoc('`payload.*`: the payload is broken'),
            },
          }),
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
      doc: {
        param: CONVERSATION_KEY,
        operations: {
          POST: turnOperation({
            summary: 'Send a message',
            description:
              'Runs the turn the message starts. A button is answered with its label or its value; a message to a key with no conversation starts one.',
            body: messageBody,
            answers: {
              400: errorAnswerDoc('`http.bad-key`, `http.bad-json` or `http.invalid-body`'),
            },
          }),
        },
      },
    },
  ];
}

const VARIABLES_QUERY = z.object({
  variables: z
    .literal('all')
    .optional()
    .describe('every variable, not only those the script exposes (needs the API token)'),
});

const KEY_ERROR = errorAnswerDoc('`http.bad-key`: the key is empty, too long or badly encoded');

const TOKEN_ERROR = {
  403: errorAnswerDoc('`http.token-required`: `variables=all` without the API token'),
} as const;

/** A route that runs a turn: its body, the turn it answers, and what may refuse or fail it. */
function turnOperation(
  operation: Pick<OperationDoc, 'summary' | 'description' | 'body' | 'answers'>,
): OperationDoc {
  return {
    ...operation,
    tag: 'conversations',
    query: VARIABLES_QUERY,
    answers: {
      200: jsonAnswer('the turn the request ran', turnAnswer),
      ...BODY_ERRORS,
      ...TOKEN_ERROR,
      409: errorAnswerDoc(
        '`conversation.busy` or `conversation.conflict`: another turn held or changed the conversation; nothing was applied, try again',
      ),
      ...STORE_ERRORS,
      ...operation.answers,
    },
  };
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
