import { setTimeout as wait } from 'node:timers/promises';
import { outcomeNames, type HttpClient, type HttpOutcome, type HttpRequest } from './types.js';

export interface RetryOptions {
  /** The longest `Retry-After` honoured, in ms (default 30 s): a turn must end. */
  readonly maxRetryAfterMs?: number;
  /** Jitter source, in [0, 1) (default Math.random); tests make it fixed. */
  readonly random?: () => number;
  /** How to wait between attempts (default: a real timer); QA replays wait no time at all. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Sends one attempt of a request, with no retries: a real transport, or QA's mocks. */
export type Transport = (request: HttpRequest, signal: AbortSignal) => Promise<HttpOutcome>;

const realSleep = (ms: number, signal: AbortSignal) => wait(ms, undefined, { signal });

/**
 * The Server Request block's retry policy over any transport (docs/script-language.md, "request"): `attempts` counts
 * every try; the wait grows as `backoff × 2^(n−1)` with jitter (half to all of it); `Retry-After`
 * on 429 and 503 wins, capped; only outcomes the block lists in `retry.on` are tried again.
 */
export function retrying(transport: Transport, options: RetryOptions = {}): HttpClient {
  const random = options.random ?? Math.random;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const sleep = options.sleep ?? realSleep;
  return {
    async send(request, signal) {
      for (let attempt = 1; ; attempt++) {
        const outcome = await transport(request, signal);
        // Our own refusals (a private address, the size cap, redirects) would only repeat.
        const worthRetry =
          outcome.kind !== 'limit' && request.retry.on.some((name) => outcomeNames(outcome).includes(name));
        if (attempt >= request.retry.attempts || !worthRetry || signal.aborted) return outcome;
        const backoff = request.retry.backoffMs * 2 ** (attempt - 1) * (0.5 + random() / 2);
        try {
          await sleep(Math.min(retryAfterMs(outcome) ?? backoff, maxRetryAfterMs), signal);
        } catch {
          return outcome;
        }
      }
    },
  };
}

/** `Retry-After` on 429 and 503: seconds, or an HTTP date. */
function retryAfterMs(outcome: HttpOutcome): number | undefined {
  if (outcome.kind !== 'response' || (outcome.status !== 429 && outcome.status !== 503)) return undefined;
  const value = outcome.headers['retry-after'];
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
