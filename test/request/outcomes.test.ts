import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codes } from './helpers.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closeServers,
  json,
  type RecordingServer,
  startRecordingServer,
  text,
} from '../support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(closeServers);

const env = () => ({ CRM_URL: server.origin });

/** A lookup whose `on` map is given as YAML flow, ending in one end block per target. */
function lookup(on: string, extra = '', top = ''): string {
  return scriptYaml(
    `  lookup:
    type: request
    url: '{{ env.CRM_URL }}/clients/{{ clientExternalId }}'
    save:
      product: body.order.product
    on: ${on}
${extra}  shown: { type: message, text: 'Your order: {{ product }}, status {{ response.status }}, name {{ response.body.name }}', next: ok }
  ok: { type: end, result: ok }
  not-found: { type: end, result: not-found }
  client-error: { type: end, result: client-error }
  server-error: { type: end, result: server-error }
  failed: { type: end, result: failed }
  exact-503: { type: end, result: exact-503 }
`,
    top,
  );
}

describe('success', () => {
  it('saves from nested JSON and later blocks see response.status and response.body', async () => {
    server.handle((_request, response) =>
      json(response, 200, { name: 'John', order: { product: 'Kettle', status: 'shipped' } }),
    );
    const bot = localHttpBotOf(lookup('{ success: shown }'), { env: env() });
    const turn = await bot.start('k', { payload: { eId: '42' } });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/clients/42', body: '' });
    expect(server.requests[0]?.headers['user-agent']).toMatch(/^botflow\//);
    expect(turn.status).toBe('ended');
    expect(turn.result).toBe('ok');
    expect(turn.messages).toEqual([{ text: 'Your order: Kettle, status 200, name John' }]);
    expect(turn.variables.product).toBe('Kettle');
    expect(turn.variables.response).toEqual({
      status: 200,
      body: { name: 'John', order: { product: 'Kettle', status: 'shipped' } },
    });
    expect(turn.diagnostics).toEqual([]);
  });

  it('save sees status and headers too, and next is the success default', async () => {
    server.handle((_request, response) => json(response, 201, { id: 7 }, { 'X-Trace': 'abc' }));
    const yaml = scriptYaml(`  create:
    type: request
    url: '{{ env.CRM_URL }}/things'
    save: { code: status, trace: "headers['x-trace']", id: body.id }
    next: done
  done: { type: end, result: ok }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    expect(turn.variables).toMatchObject({ code: 201, trace: 'abc', id: 7 });
  });

  it('a 2xx without next or a success route ends the conversation', async () => {
    const yaml = scriptYaml(`  ping: { type: request, url: '{{ env.CRM_URL }}/ping' }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.status).toBe('ended');
    expect(turn.block).toBe('ping');
    expect(server.requests).toHaveLength(1);
  });

  it('a save that cannot be evaluated is a warning, and the success still routes', async () => {
    server.handle((_request, response) => text(response, 200, 'plain'));
    const yaml = scriptYaml(`  lookup:
    type: request
    url: '{{ env.CRM_URL }}/x'
    save: { n: 'body.order.product * 2' }
    next: done
  done: { type: end, result: ok }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('ok');
    expect(codes(turn)).toEqual(['request.save-failed']);
    expect(turn.diagnostics[0]?.severity).toBe('warning');
  });
});

describe('routing by outcome', () => {
  it('routes a 404 to its block, with a warning diagnostic and nothing saved', async () => {
    server.handle((_request, response) => json(response, 404, { error: 'unknown client' }));
    const bot = localHttpBotOf(lookup("{ success: shown, '404': not-found, error: failed }"), { env: env() });
    const turn = await bot.start('k', { payload: { eId: '9' } });
    expect(server.requests.map((r) => r.url)).toEqual(['/clients/9']);
    expect(turn.status).toBe('ended');
    expect(turn.result).toBe('not-found');
    expect(turn.variables.product).toBeUndefined();
    expect(turn.variables.response).toEqual({ status: 404, body: { error: 'unknown client' } });
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'request.status',
        message: 'block "lookup": the request failed (the server answered 404); going on at "not-found"',
      },
    ]);
  });

  it.each([
    // [status, on, expected result]: the most specific listed outcome wins.
    [404, "{ '404': not-found, 4xx: client-error, error: failed }", 'not-found'],
    [404, "{ 4xx: client-error, '404': not-found, error: failed }", 'not-found'],
    [403, "{ '404': not-found, 4xx: client-error, error: failed }", 'client-error'],
    [403, '{ 4xx: client-error, error: failed }', 'client-error'],
    [403, '{ 5xx: server-error, error: failed }', 'failed'],
    [503, "{ 5xx: server-error, '503': exact-503, error: failed }", 'exact-503'],
    [500, "{ 5xx: server-error, '503': exact-503, error: failed }", 'server-error'],
    [500, '{ error: failed, success: shown }', 'failed'],
    [302, '{ 3xx: client-error, error: failed }', 'client-error'],
  ])('a %i with on %s goes to %s', async (status, on, expected) => {
    server.handle((_request, response) => {
      response.writeHead(status, { 'Content-Type': 'application/json' }); // no Location: not followed
      response.end('{}');
      return undefined;
    });
    const turn = await localHttpBotOf(lookup(on), { env: env() }).start('k', { payload: { eId: '1' } });
    expect(turn.result).toBe(expected);
    expect(server.requests).toHaveLength(1);
  });

  it('a 2xx routes by exact status and class before success', async () => {
    server.handle((_request, response) => json(response, 204, null));
    const yaml = scriptYaml(`  lookup:
    type: request
    url: '{{ env.CRM_URL }}/x'
    on: { success: a, 2xx: b, '204': c }
  a: { type: end, result: a }
  b: { type: end, result: b }
  c: { type: end, result: c }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.result).toBe('c');
    expect(turn.diagnostics).toEqual([]);
  });

  it('an unrouted failure goes to the script on_error block', async () => {
    server.handle((_request, response) => json(response, 500, { error: 'boom' }));
    const yaml = lookup('{ success: shown }', '', 'on_error: failed\n');
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k', { payload: { eId: '1' } });
    expect(turn.status).toBe('ended');
    expect(turn.result).toBe('failed');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'request.status',
        message: 'block "lookup": the request failed: the server answered 500',
      },
    ]);
  });

  it('an unrouted failure without on_error ends with status error and a diagnostic', async () => {
    server.handle((_request, response) => json(response, 404, {}));
    const turn = await localHttpBotOf(lookup('{ success: shown, 5xx: server-error }'), { env: env() }).start(
      'k',
      {
        payload: { eId: '1' },
      },
    );
    expect(turn.status).toBe('error');
    expect(turn.block).toBe('lookup');
    expect(turn.result).toBeNull();
    expect(turn.messages).toEqual([]);
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'request.status',
        message: 'block "lookup": the request failed: the server answered 404',
      },
    ]);
    expect(turn.variables.response).toEqual({ status: 404, body: {} });
  });
});

describe('response bodies', () => {
  it('JSON with a json content type is parsed', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/problem+json; charset=utf-8' });
      response.end('{"a":[1,true,null],"b":{"c":"d"}}');
      return undefined;
    });
    const yaml = scriptYaml(`  get:
    type: request
    url: '{{ env.CRM_URL }}/x'
    save: { first: 'body.a[0]', c: body.b.c }
    next: done
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.variables).toMatchObject({ first: 1, c: 'd' });
    expect(turn.variables.response).toEqual({ status: 200, body: { a: [1, true, null], b: { c: 'd' } } });
  });

  it('a non-JSON answer is text, even when it looks like JSON', async () => {
    server.handle((_request, response) => text(response, 200, '{"looks":"like json"}'));
    const yaml = scriptYaml(`  get:
    type: request
    url: '{{ env.CRM_URL }}/x'
    save: { raw: body, kind: 'length(body)' }
    next: done
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.variables.raw).toBe('{"looks":"like json"}');
    expect(turn.variables.response).toEqual({ status: 200, body: '{"looks":"like json"}' });
  });

  it('a broken JSON answer with a json content type is kept as text', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"broken":');
      return undefined;
    });
    const yaml =
      scriptYaml(`  get: { type: request, url: '{{ env.CRM_URL }}/x', save: { raw: body }, next: done }
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.variables.raw).toBe('{"broken":');
  });

  it('a large body is saved from but not kept as response.body', async () => {
    const big = { items: Array.from({ length: 500 }, (_, i) => ({ id: i, name: `item ${i}` })) };
    server.handle((_request, response) => json(response, 200, big));
    const yaml =
      scriptYaml(`  get: { type: request, url: '{{ env.CRM_URL }}/x', save: { n: 'length(body.items)' }, next: done }
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, { env: env() }).start('k');
    expect(turn.variables.n).toBe(500);
    expect(turn.variables.response).toEqual({ status: 200, body: '' });
    expect(codes(turn)).toEqual(['request.body-not-kept']);
  });
});
