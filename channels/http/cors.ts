import type { IncomingMessage } from 'node:http';
import { BotflowError } from '../../engine/index.js';
import { HttpError } from './errors.js';
import type { Reply } from './reply.js';
import type { Route } from './routes.js';

/** How long a browser may keep a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE = 600;

/**
 * An origin written as browsers send it in `Origin` (`https://chat.example.com`, a port only
 * when it is not the scheme's own), since they are matched exactly; a trailing `/` is dropped.
 */
export function corsOrigin(text: string): string {
  const url = URL.parse(text);
  const origin = url !== null && ['http:', 'https:'].includes(url.protocol) ? url.origin : undefined;
  // URL takes hosts no browser sends (`*.example.com`, `a_b.com`), and port 0: such an entry would never match.
  const sendable = url !== null && /^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(url.hostname) && url.port !== '0';
  if (origin === undefined || !sendable || (text !== origin && text !== `${origin}/`)) {
    throw new BotflowError(
      'http.bad-origin',
      `a CORS origin is written as browsers send it, scheme://host[:port] in lower case, without a path or the scheme's own port, such as https://chat.example.com, not ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return origin;
}

/**
 * CORS for the origins listed, matched exactly; nothing at all when there are none. A listed
 * origin's answers may be read by its pages, with their X-Request-Id; a preflight from it is
 * answered 204 with the route's methods, and one from any other origin is refused (403).
 */
export class Cors {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map(corsOrigin));
  }

  /** The headers an answer to `request` carries. */
  headers(request: IncomingMessage): Record<string, string> {
    if (this.origins.size === 0) return {};
    const origin = this.allowed(request);
    // Vary on every answer: a cache must not hand one origin's answer to another.
    return origin === undefined
      ? { Vary: 'Origin' }
      : {
          Vary: 'Origin',
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Expose-Headers': 'X-Request-Id',
        };
  }

  /** A preflight is an OPTIONS request with an Origin; any other OPTIONS is just a method. */
  isPreflight(request: IncomingMessage): boolean {
    return request.method === 'OPTIONS' && request.headers.origin !== undefined;
  }

  preflight(request: IncomingMessage, route: Route): Reply {
    if (this.allowed(request) === undefined) {
      throw new HttpError(
        'http.origin-not-allowed',
        'this origin may not call the API from a browser; the server lists the ones that may',
      );
    }
    return {
      status: 204,
      body: '',
      contentType: 'text/plain; charset=utf-8',
      headers: {
        'Access-Control-Allow-Methods': Object.keys(route.methods).join(', '),
        'Access-Control-Allow-Headers': 'Authorization, Content-Type',
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
      },
    };
  }

  private allowed(request: IncomingMessage): string | undefined {
    const { origin } = request.headers;
    return origin !== undefined && this.origins.has(origin) ? origin : undefined;
  }
}
