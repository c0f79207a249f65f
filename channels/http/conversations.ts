import {
  buttonChoices,
  isConversationKey,
  KEY_LIMIT,
  type Bot,
  type Turn,
  type Value,
  type Variables,
} from '../../engine/index.js';
import { admitTalker, type TalkPolicy, type TalkVerdict } from './auth.js';
import { readJson } from './body.js';
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
  const admit = ({ request, param, query }: Exchange) => {
    const key = conversationKey(param);
    const verdict = admitTalker(policy, request.headers.authorization, key);
    const all = showsAll(verdict, query);
    const answer = (turn: Turn) =>
      jsonReply(200, turnAnswer(turn, all ? turn.variables : exposed(turn.variables, bot.script.expose)));
    return { key, answer };
  };
  return [
    {
      pattern: '/conversations/:key',
      guarded: true,
      talks: true,
      methods: {
        GET: async (exchange) => {
          const { key, answer } = admit(exchange);
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
    },
    {
      pattern: '/conversations/:key/start',
      guarded: true,
      talks: true,
      methods: {
        POST: async (exchange) => {
          const { key, answer } = admit(exchange);
          const options = parseBody(startBody, await readJson(exchange.request, bodyLimit));
          return answer(await bot.start(key, options));
        },
      },
    },
    {
      pattern: '/conversations/:key/messages',
      guarded: true,
      talks: true,
      methods: {
        POST: async (exchange) => {
          const { key, answer } = admit(exchange);
          const { text, ...options } = parseBody(messageBody, await readJson(exchange.request, bodyLimit));
          return answer(await bot.send(key, text, options));
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
    },
  ];
}

/**
 * A turn as the JSON API answers it: buttons with the values that pick them, and only the
 * variables shown; the library's Turn keeps them all, and its trace stays on the server.
 */
function turnAnswer(turn: Turn, variables: Variables): object {
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
