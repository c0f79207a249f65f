import * as z from 'zod';
import {
  buttonChoices,
  isConversationKey,
  KEY_LIMIT,
  type Bot,
  type Turn,
  type Value,
  type Variables,
} from '../../engine/index.js';
import { transcriptAnswer, turnAnswer } from './answers.js';
import { admitTalker, type TalkPolicy, type TalkVerdict } from './auth.js';
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
import { jsonReply, noContent } from './reply.js';
import type { Exchange, Route } from './routes.js';
import { messageBody, parseBody, startBody } from './schemas.js';

/**
 * The JSON API over one bot's conversations: each turn route answers the conversation's turn
 * (docs/http-api.md, "The turn answer"). Who may call them is decided by the key (`mayTalk`).
 */
export function conversationRoutes(bot: Bot, bodyLimit: number, policy: TalkPolicy): Route[] {
  /**
   * The key the path names, once the caller may talk in it, and the variables its answers show
   * (checked before the turn runs: a refused request applies nothing).
   */
  const admit = ({ request, param }: Exchange): { key: string; verdict: TalkVerdict } => {
    const key = conversationKey(param);
    return { key, verdict: admitTalker(policy, request.headers.authorization, key) };
  };
  /** `admit`, and the answer of a turn route: with the variables the caller may see. */
  const admitTurn = (exchange: Exchange) => {
    const { key, verdict } = admit(exchange);
    const all = showsAll(verdict, exchange.query);
    const answer = (turn: Turn) =>
      jsonReply(200, answerOf(turn, all ? turn.variables : exposed(turn.variables, bot.script.expose)));
    return { key, answer };
  };
  return [
    {
      pattern: '/conversations/:key',
      guarded: true,
      talks: true,
      methods: {
        GET: async (exchange) => {
          const { key, answer } = admitTurn(exchange);
          const turn = await bot.conversation(key);
          if (!turn) throw notFound();
          return answer(turn);
        },
        DELETE: async (exchange) => {
          const { key } = admit(exchange);
          if (!(await bot.erase(key))) throw notFound();
          return noContent();
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
              400: errorAnswerDoc(`${KEY_ERRORS}, or \`http.bad-query\``),
              ...TOKEN_ERROR,
              404: NOT_FOUND,
              ...STORE_ERRORS,
            },
          },
          DELETE: {
            summary: 'Erase the conversation',
            description: 'Its record, its report entry and its transcript are gone after.',
            tag: 'conversations',
            answers: {
              204: { description: 'erased' },
              400: KEY_ERROR,
              404: NOT_FOUND,
              409: errorAnswerDoc(
                '`conversation.busy`: a turn held the conversation too long; nothing was erased, try again',
              ),
              ...STORE_ERRORS,
            },
          },
        },
      },
    },
    {
      pattern: '/conversations/:key/start',
      guarded: true,
      talks: true,
      methods: {
        POST: async (exchange) => {
          const { key, answer } = admitTurn(exchange);
          const options = parseBody(startBody, await readJson(exchange.request, bodyLimit));
          return answer(await bot.start(key, options));
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
                `${KEY_ERRORS}, \`http.bad-query\`, \`http.bad-json\`, \`http.invalid-body\`, or \`start.ambiguous\`: both \`startParam\` and \`payload\``,
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
      talks: true,
      methods: {
        POST: async (exchange) => {
          const { key, answer } = admitTurn(exchange);
          const { text, ...options } = parseBody(messageBody, await readJson(exchange.request, bodyLimit));
          return answer(await bot.send(key, text, options));
        },
      },
      doc: {
        param: CONVERSATION_KEY,
        operations: {
          POST: turnOperation({
            summary: 'Send a message',
            description:
              'Runs the turn the message starts. A button is answered with its label or its value; a message to a key with no conversation starts one (diagnostic `conversation.started`) and is not read as a reply.',
            body: messageBody,
            answers: {
              400: errorAnswerDoc(
                `${KEY_ERRORS}, \`http.bad-query\`, \`http.bad-json\` or \`http.invalid-body\``,
              ),
            },
          }),
        },
      },
    },
    {
      pattern: '/conversations/:key/transcript',
      guarded: true,
      talks: true,
      methods: {
        GET: async (exchange) => {
          const { key } = admit(exchange);
          if (bot.transcripts === 0) {
            throw new HttpError(
              'transcript.off',
              'this server keeps no transcripts; start it with --transcripts N to keep the last N messages',
            );
          }
          const messages = await bot.transcript(key);
          if (!messages) throw notFound();
          return jsonReply(200, { messages });
        },
      },
      doc: {
        param: CONVERSATION_KEY,
        operations: {
          GET: {
            summary: 'The last messages exchanged',
            description: 'Kept when the server runs with `--transcripts N`: the last N, oldest first.',
            tag: 'conversations',
            answers: {
              200: jsonAnswer('the messages, oldest first', transcriptAnswer),
              400: KEY_ERROR,
              404: NOT_FOUND,
              409: errorAnswerDoc('`transcript.off`: the server keeps no transcripts'),
              ...STORE_ERRORS,
            },
          },
        },
      },
    },
  ];
}

/**
 * A turn as the JSON API answers it: buttons with the values that pick them, and only the
 * variables shown; the library's Turn keeps them all, and its trace stays on the server.
 */
function answerOf(turn: Turn, variables: Variables): object {
  return {
    messages: turn.messages.map(({ text, buttons }) =>
      buttons === undefined ? { text } : { text, buttons: buttonChoices(buttons, turn.input) },
    ),
    status: turn.status,
    block: turn.block,
    ...(turn.input && { input: turn.input }),
    variables,
    result: turn.result,
    diagnostics: turn.diagnostics,
  };
}

/**
 * Whether answers show every variable (`?variables=all`) rather than the script's `expose:` list:
 * only a caller with the API token may ask, since they can hold a CRM's answers.
 */
function showsAll(verdict: TalkVerdict, query: URLSearchParams): boolean {
  const asked = query.get('variables') ?? 'exposed';
  if (asked === 'exposed') return false;
  if (asked !== 'all') {
    throw new HttpError('http.bad-query', 'the query parameter variables takes exposed or all');
  }
  if (verdict !== 'token') {
    throw new HttpError(
      'http.token-required',
      verdict === 'open'
        ? 'variables=all needs the API token, and this server has none'
        : 'variables=all needs the API token',
    );
  }
  return true;
}

/** The variables of `exposed` a conversation has, in that order. */
function exposed(variables: Variables, names: readonly string[]): Variables {
  const shown: Record<string, Value> = {};
  for (const name of names) {
    const value = variables[name];
    if (value !== undefined && Object.hasOwn(variables, name)) shown[name] = value;
  }
  return shown;
}

function notFound(): HttpError {
  return new HttpError('conversation.not-found', 'there is no conversation with this key');
}

const VARIABLES_QUERY = z.object({
  variables: z
    .enum(['exposed', 'all'])
    .optional()
    .describe('`all`: every variable, not only those the script exposes (needs the API token)'),
});

const KEY_ERRORS =
  '`http.bad-key`: the key is empty, too long or badly encoded; `http.weak-key`: a public chat’s key is too short to be unguessable';

const KEY_ERROR = errorAnswerDoc(KEY_ERRORS);

const NOT_FOUND = errorAnswerDoc('`conversation.not-found`: there is no conversation under this key');

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
