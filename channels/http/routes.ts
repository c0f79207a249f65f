import type { IncomingMessage } from 'node:http';
import type { RouteDoc } from './docs.js';
import type { Reply } from './reply.js';

/** What a route's handler gets: the request and the raw (still percent-encoded) `:param` segment. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly param: string;
  readonly query: URLSearchParams;
}

export type Handler = (exchange: Exchange) => Promise<Reply>;

export interface Route {
  /** Segments, with at most one `:name` that matches any one non-empty segment. */
  readonly pattern: string;
  /** Whether the API token guards it (JSON routes; webhooks and health authenticate otherwise). */
  readonly guarded: boolean;
  readonly methods: Readonly<Partial<Record<string, Handler>>>;
  /** What it does and answers, for `/openapi.json`: an operation for each method. */
  readonly doc: RouteDoc;
}

export interface Match {
  readonly route: Route;
  readonly param: string;
  readonly query: URLSearchParams;
}

/** The route's handler for `method`; own entries only, so no method name can reach Object.prototype. */
export function handlerFor(route: Route, method: string): Handler | undefined {
  return Object.hasOwn(route.methods, method) ? route.methods[method] : undefined;
}

/**
 * The route a request target names. The path is split as sent, without resolving `.` or `..` or
 * decoding, so an encoded `/` stays inside its segment (a conversation key may hold one).
 */
export function matchRoute(routes: readonly Route[], target: string): Match | undefined {
  const queryAt = target.indexOf('?');
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : target.slice(queryAt + 1));
  if (!path.startsWith('/')) return undefined;
  const segments = path.slice(1).split('/');
  for (const route of routes) {
    const param = matchSegments(route.pattern.slice(1).split('/'), segments);
    if (param !== undefined) return { route, param, query };
  }
  return undefined;
}

/** The `:param` segment ('' when the pattern has none), or undefined when the path does not match. */
function matchSegments(pattern: readonly string[], segments: readonly string[]): string | undefined {
  if (pattern.length !== segments.length) return undefined;
  let param = '';
  for (const [i, part] of pattern.entries()) {
    const segment = segments[i] ?? '';
    if (part.startsWith(':') && segment !== '') param = segment;
    else if (part !== segment) return undefined;
  }
  return param;
}
