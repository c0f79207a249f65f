import { setTimeout as wait } from 'node:timers/promises';
import type { HttpOutcome, HttpRequest, Transport } from '../engine/index.js';
import type { MockData, MockResponse } from './case-schema.js';
import { compileGlob, type Glob } from './glob.js';

/** A request no mock matched: the case fails, showing it. */
export interface UnmatchedCall {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/**
 * An exact mock url written as requests are sent (`http://API.test` → `http://api.test/`), so it
 * matches them; a glob is taken as written.
 */
function normalUrl(url: string): string {
  return !url.includes('*') && URL.canParse(url) ? new URL(url).href : url;
}

/** True when `actual` has everything `expected` has: objects partially, anything else exactly. */
export function containsValue(actual: unknown, expected: unknown): boolean {
  if (typeof expected !== 'object' || expected === null) return Object.is(actual, expected);
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => containsValue(actual[i], item))
    );
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false;
  return Object.entries(expected).every(
    ([key, value]) =>
      Object.hasOwn(actual, key) && containsValue((actual as Record<string, unknown>)[key], value),
  );
}

/**
 * The HTTP side of a case: requests are answered by the case's mocks, never by the network. A
 * mock answers in sequence (the last answer repeats), so the retry policy can be replayed.
 */
export class MockHttp {
  readonly unmatched: UnmatchedCall[] = [];
  private readonly calls: number[];
  private readonly urls: Glob[];

  constructor(private readonly mocks: readonly MockData[]) {
    this.calls = mocks.map(() => 0);
    this.urls = mocks.map((mock) => compileGlob(normalUrl(mock.match.url)));
  }

  readonly transport: Transport = async (request, signal) => {
    const index = this.mocks.findIndex((mock, i) => this.matches(mock, i, request));
    const mock = this.mocks[index];
    if (!mock) {
      this.unmatched.push({ method: request.method, url: request.url, body: request.json ?? request.form });
      return { kind: 'network', message: `no mock matches ${request.method} ${request.url}` };
    }
    const answers = Array.isArray(mock.respond) ? mock.respond : [mock.respond];
    const count = this.calls[index] ?? 0;
    this.calls[index] = count + 1;
    return answer(answers[Math.min(count, answers.length - 1)] ?? { network: true }, request, signal);
  };

  private matches(mock: MockData, index: number, request: HttpRequest): boolean {
    const { match } = mock;
    if (match.method !== undefined && match.method !== request.method) return false;
    const url = new URL(request.url);
    const compared = match.url.includes('?') ? url.href : `${url.origin}${url.pathname}`;
    if (!this.urls[index]?.test(compared)) return false;
    for (const [name, value] of Object.entries(match.query ?? {}))
      if (url.searchParams.get(name) !== value) return false;
    const headers = new Map(
      Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    for (const [name, value] of Object.entries(match.headers ?? {}))
      if (headers.get(name.toLowerCase()) !== value) return false;
    return match.body === undefined || containsValue(request.json ?? request.form, match.body);
  }
}

async function answer(
  response: MockResponse,
  request: HttpRequest,
  signal: AbortSignal,
): Promise<HttpOutcome> {
  if ('timeout' in response) return { kind: 'timeout', message: 'the mock timed out' };
  if ('network' in response) return { kind: 'network', message: 'the mock failed the connection' };
  // Like the real client: an answer slower than the block's `timeout` is a timeout.
  if (response.delay !== undefined && response.delay >= request.timeoutMs) {
    await wait(request.timeoutMs, undefined, { signal });
    return { kind: 'timeout', message: `no answer within ${request.timeoutMs} ms` };
  }
  if (response.delay !== undefined) await wait(response.delay, undefined, { signal });
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return { kind: 'response', status: response.status, headers, body: response.body ?? '' };
}
