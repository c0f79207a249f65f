import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Bot, SessionStore } from '../../engine/index.js';
import type { WebhookAdapter } from '../adapter.js';
import { bearerCheck } from './auth.js';
import { DEFAULT_BODY_LIMIT } from './body.js';
import { conversationRoutes } from './conversations.js';
import { Cors } from './cors.js';
import { errorReply, HttpError, notFound } from './errors.js';
import { healthRoute } from './health.js';
import { listenOn } from './listen.js';
import { openApiRoute } from './openapi.js';
import { reportRoutes } from './reports.js';
import { errorForLog, silentLogger, type Logger } from '../log.js';
import type { ShortLinkOptions } from '../short-links.js';
import { send, sendStreamed, type Reply } from './reply.js';
import { shortLinkRoutes } from './short-links.js';
import { handlerFor, matchRoute, type Route } from './routes.js';
import { rasaRoute } from './rasa.js';
import { webhookRoute } from './webhooks.js';

export interface BotServerOptions {
  readonly bot: Bot;
  /** One adapter per messenger, served at `/webhooks/<channel>`. */
  readonly webhooks?: readonly WebhookAdapter[];
  /** What `GET /health` checks (a store ping); it answers 503 when this rejects. */
  readonly health?: () => Promise<unknown>;
  /** When set, the JSON API needs `Authorization: Bearer <apiToken>`; without it, reports are refused. */
  readonly apiToken?: string;
  /** The bot's session store, for `GET /reports/…` (docs/reports.md); without it they answer 501. */
  readonly reportStore?: SessionStore;
  /** A pino logger, or anything with its `info`, `warn` and `error` (default: silent). */
  readonly logger?: Logger;
  /** The largest request body read, in bytes (default 1 MiB). */
  readonly bodyLimit?: number;
  /** How long a client may take to send the request headers (default 10 s). */
  readonly headersTimeoutMs?: number;
  /** How long a client may take to send the whole request (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Short links (`POST /links`, `GET /l/:code`): where they are kept and the public URL they live under. */
  readonly shortLinks?: ShortLinkOptions;
  /**
   * The origins (`https://chat.example.com`) whose web pages may call the server from a browser
   * (CORS); none by default. An origin that is not bare `scheme://host[:port]` is refused here.
   */
  readonly cors?: readonly string[];
}

export interface BotServer {
  readonly server: Server;
  /** Starts listening (host default 127.0.0.1: reaching beyond the machine is a choice). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /**
   * Stops accepting connections, lets the requests in flight finish (their turns run and are
   * stored), closes idle keep-alive connections, then resolves.
   */
  close(): Promise<void>;
}

/** Every route a server made with `options` serves, `/openapi.json` (their document) included. */
export function botRoutes(options: BotServerOptions): Route[] {
  const { bot } = options;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const routes: Route[] = [
    healthRoute(options.health ?? (() => Promise.resolve()), (value) => bot.redact(value)),
    openApiRoute(() => routes),
    ...conversationRoutes(bot, bodyLimit),
    ...reportRoutes(bot, options.reportStore, options.apiToken !== undefined),
    webhookRoute(bot, options.webhooks ?? [], bodyLimit),
    rasaRoute(bot, bodyLimit),
    ...(options.shortLinks === undefined
      ? []
      : shortLinkRoutes(options.shortLinks, { bodyLimit, hasToken: options.apiToken !== undefined })),
  ];
  return routes;
}

/** The HTTP face of a bot: the JSON API, the messengers' webhooks and a health check. */
export function createBotServer(options: BotServerOptions): BotServer {
  const { bot } = options;
  const redact = <T>(value: T): T => bot.redact(value);
  const logger = options.logger ?? silentLogger;
  const authorized = options.apiToken === undefined ? () => true : bearerCheck(options.apiToken);
  const routes = botRoutes(options);
  const cors = new Cors(options.cors ?? []);
  let closing = false;

  async function answer(request: IncomingMessage): Promise<{ route: string | undefined; reply: Reply }> {
    const match = matchRoute(routes, request.url ?? '');
    if (!match) return { route: undefined, reply: errorReply(notFound(), redact) };
    const { route, param, query } = match;
    try {
      if (cors.isPreflight(request)) return { route: route.pattern, reply: cors.preflight(request, route) };
      const handler = handlerFor(route, request.method ?? '');
      if (!handler) {
        const allow = Object.keys(route.methods).join(', ');
        throw new HttpError('http.method-not-allowed', `this route takes ${allow}`, { Allow: allow });
      }
      if (route.guarded && !authorized(request.headers.authorization)) {
        throw new HttpError('http.unauthorized', 'this route needs a valid API token', {
          'WWW-Authenticate': 'Bearer',
        });
      }
      return { route: route.pattern, reply: await handler({ request, param, query }) };
    } catch (error) {
      return { route: route.pattern, reply: errorReply(error, redact) };
    }
  }

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    const { route, reply } = await answer(request);
    let failure = reply.failure;
    try {
      // While closing, a keep-alive connection must not wait for another request.
      const headers = {
        'X-Request-Id': requestId,
        ...cors.headers(request),
        ...(closing && { Connection: 'close' }),
      };
      if (reply.stream === undefined) send(response, reply, headers);
      else await sendStreamed(response, reply, reply.stream, headers);
    } catch (error) {
      // A streamed answer whose source failed part-way (the client sees it cut), or a client gone.
      failure = error;
    }
    // The route's pattern, never the path: a conversation key names a person on a messenger.
    const fields = {
      requestId,
      method: request.method,
      route: route ?? null,
      status: reply.status,
      durationMs: Math.round(performance.now() - started),
    };
    if (failure === undefined) logger.info(fields, 'request');
    else logger.error({ ...fields, error: errorForLog(failure, redact) }, 'request failed');
  }

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs ?? 10_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // How often those two are checked (Node's default, 30 s, would stretch a 10 s bound to 40 s).
      connectionsCheckingInterval: 1_000,
    },
    (request, response) => {
      serve(request, response).catch(() => {
        // Only writing the answer or the log line can fail here: the connection is beyond saving.
        response.destroy();
      });
    },
  );

  return {
    server,
    listen: (port, host = '127.0.0.1') => listenOn(server, port, host),
    close: () =>
      new Promise((resolve, reject) => {
        closing = true;
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
