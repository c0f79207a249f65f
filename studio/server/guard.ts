import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../../channels/http/errors.js';
import { TOKEN_HEADER } from '../protocol.js';

/**
 * The checks a local server needs against the web pages a designer has open: the `Host` must be
 * the address printed (a rebound DNS name is refused), API calls carry the run's token, and
 * writes come from the studio's own origin.
 */
export class Guard {
  private readonly token: Buffer;

  constructor(
    /** `127.0.0.1:4321`: the host and port printed in the URL. */
    readonly authority: string,
    token: string,
  ) {
    this.token = Buffer.from(token);
  }

  get origin(): string {
    return `http://${this.authority}`;
  }

  /** Every request: the Host must be the one printed. */
  checkHost(request: IncomingMessage): void {
    if (request.headers.host !== this.authority) {
      throw new HttpError('studio.wrong-host', `this studio answers only at ${this.authority}`);
    }
  }

  /**
   * API calls: the token in the header; the event stream gives it in the query, since EventSource
   * sends no headers (`query` is given for that route only, so no other URL carries the token).
   */
  checkToken(request: IncomingMessage, query?: URLSearchParams): void {
    const header = request.headers[TOKEN_HEADER];
    const given = Buffer.from(typeof header === 'string' ? header : (query?.get('token') ?? ''));
    if (given.length !== this.token.length || !timingSafeEqual(given, this.token)) {
      throw new HttpError('studio.bad-token', 'this call needs the token of the URL the studio printed');
    }
  }

  /** Writes: the Origin must be the studio's own (browsers always send it on a POST). */
  checkOrigin(request: IncomingMessage): void {
    if (request.headers.origin !== this.origin) {
      throw new HttpError('studio.bad-origin', `writes are taken only from the studio's own page`);
    }
  }
}
