import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closeServers,
  json,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(closeServers);

const env = () => ({ CRM_URL: server.origin });

/** Answers the given statuses in order (the last one repeats), JSON bodies. */
function answers(...statuses: (number | [number, Record<string, string>])[]): void {
  let next = 0;
  server.handle((_request, response) => {
    const spec = statuses[Math.min(next, statuses.length - 1)] ?? 200;
    next++;
    const [status, headers] = typeof spec === 'number' ? [spec, {}] : spec;
    return json(response, status, { status }, headers);
  });
}

function lookup(retry: string): string {
  return scriptYaml(`  lookup:
    type: request
    url: '{{ env.CRM_URL }}/clients/42'
    retry: ${retry}
    save: { got: body.status }
    on: { success: ok, '404': not-found, error: failed }
  ok: { type: end, result: ok }
  not-found: { type: end, result: not-found }
  failed: { type: end, result: failed }
`);
}

const gaps = () => server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0));

describe('retry', () => {
  it('a 500 then a 200 with attempts 3: the server sees two requests, the turn succeeds', async () => {
    answers(500, 200);
    const turn = await localHttpBotOf(lookup('{ attempts: 3, backoff: 10ms }'), { env: env() }).start('k');
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => r.url)).toEqual(['/clients/42', '/clients/42']);
    expect(turn.result).toBe('ok');
    expect(turn.variables.got).toBe(200);
    expect(turn.diagnostics).toEqual([]);
  });

  it('stops at attempts and routes the last outcome', async () => {
    answers(500);
    const turn = await localHttpBotOf(lookup('{ attempts: 3, backoff: 10ms }'), { env: env() }).start('k');
    expect(server.requests).toHaveLength(3);
    expect(turn.result).toBe('failed');
    expect(turn.variables.response).toEqual({ status: 500, body: { status: 500 } });
  });

  it('without retry there is one attempt', async () => {
    answers(500, 200);
    const yaml =
      scriptYaml(`  lookup: { type: request, url: '{{ env.CRM_URL }}/x', on: { error: failed, success: ok } }
  ok: { type: end, result: ok }
  failed: { type: end, result: failed }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(server.requests).toHaveLength(1);
    expect(turn.result).toBe('failed');
  });

  it('waits with exponential backoff between attempts', async () => {
    answers(500);
    // random() = 0.5 makes the jitter factor 0.75: waits of 75 ms, then 150 ms.
    await localHttpBotOf(lookup('{ attempts: 3, backoff: 100ms }'), { env: env() }).start('k');
    const [first, second] = gaps();
    expect(first).toBeGreaterThanOrEqual(60);
    expect(second).toBeGreaterThanOrEqual(130);
    expect(second).toBeGreaterThan(first ?? 0);
  });

  it('does not retry a 404 by default (on is [5xx, timeout, network])', async () => {
    answers(404, 200);
    const turn = await localHttpBotOf(lookup('{ attempts: 3, backoff: 10ms }'), { env: env() }).start('k');
    expect(server.requests).toHaveLength(1);
    expect(turn.result).toBe('not-found');
  });

  it('retries only the outcomes listed in on', async () => {
    answers(404, 404, 200);
    const turn = await localHttpBotOf(lookup("{ attempts: 5, backoff: 10ms, on: ['404'] }"), {
      env: env(),
    }).start('k');
    expect(server.requests).toHaveLength(3);
    expect(turn.result).toBe('ok');
  });

  it('a 500 is not retried when on lists only 4xx', async () => {
    answers(500, 200);
    const turn = await localHttpBotOf(lookup('{ attempts: 3, backoff: 10ms, on: [4xx] }'), {
      env: env(),
    }).start('k');
    expect(server.requests).toHaveLength(1);
    expect(turn.result).toBe('failed');
  });

  it('honours Retry-After on a 503: the second request comes about a second later', async () => {
    answers([503, { 'Retry-After': '1' }], 200);
    const turn = await localHttpBotOf(lookup('{ attempts: 2, backoff: 10ms }'), { env: env() }).start('k');
    expect(server.requests).toHaveLength(2);
    expect(turn.result).toBe('ok');
    expect(gaps()[0]).toBeGreaterThanOrEqual(900);
  });

  it('honours Retry-After on a 429 listed in on', async () => {
    answers([429, { 'Retry-After': '1' }], 200);
    const turn = await localHttpBotOf(lookup('{ attempts: 2, backoff: 10ms, on: [429] }'), {
      env: env(),
    }).start('k');
    expect(server.requests).toHaveLength(2);
    expect(turn.result).toBe('ok');
    expect(gaps()[0]).toBeGreaterThanOrEqual(900);
  });

  it('a 429 is not retried by default, Retry-After or not', async () => {
    answers([429, { 'Retry-After': '1' }], 200);
    const yaml = lookup('{ attempts: 2, backoff: 10ms }').replace("'404': not-found", "'429': not-found");
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(server.requests).toHaveLength(1);
    expect(turn.result).toBe('not-found');
  });

  it('Retry-After as an HTTP date is honoured too', async () => {
    let first = true;
    server.handle((_request, response) => {
      if (!first) return json(response, 200, { status: 200 });
      first = false;
      const date = new Date(Date.now() + 2000).toUTCString(); // whole seconds: 1 to 2 s away
      return json(response, 503, {}, { 'Retry-After': date });
    });
    const turn = await localHttpBotOf(lookup('{ attempts: 2, backoff: 10ms }'), { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    expect(gaps()[0]).toBeGreaterThanOrEqual(900);
  });

  it('a Retry-After longer than maxRetryAfterMs is cut to it', async () => {
    answers([503, { 'Retry-After': '120' }], 200);
    // Without the cap this turn would wait 120 s and fail by the test's own timeout.
    const turn = await localHttpBotOf(lookup('{ attempts: 2, backoff: 10ms }'), {
      env: env(),
      http: { maxRetryAfterMs: 50 },
    }).start('k');
    expect(turn.result).toBe('ok');
    expect(server.requests).toHaveLength(2);
  });

  it('a retried timeout: the server sees every attempt', async () => {
    let count = 0;
    server.handle((_request, response) => {
      count++;
      return count === 1 ? 'hang' : json(response, 200, { status: 200 });
    });
    const yaml = lookup('{ attempts: 2, backoff: 10ms }').replace('retry:', 'timeout: 200ms\n    retry:');
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(server.requests).toHaveLength(2);
    expect(turn.result).toBe('ok');
  });
});
