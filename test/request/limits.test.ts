import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBot, createHttpClient, MemoryStore, parseScript } from '../../engine/index.js';
import { codes } from './helpers.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closedPort,
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

/** A GET to `{{ env.URL }}<path>` with every failure outcome routed to its own end block. */
function get(path: string, options: { timeout?: string; on?: string } = {}): string {
  return scriptYaml(`  call:
    type: request
    url: '{{ env.URL }}${path}'
    timeout: ${options.timeout ?? '2s'}
    save: { got: body }
    on: ${options.on ?? '{ success: ok, timeout: timed-out, network: no-network, error: failed }'}
  ok: { type: end, result: ok }
  timed-out: { type: end, result: timeout }
  no-network: { type: end, result: network }
  failed: { type: end, result: failed }
`);
}

const warning = (turn: { diagnostics: readonly { severity: string; message: string }[] }) =>
  turn.diagnostics.map((d) => `${d.severity}: ${d.message}`).join('\n');

describe('time and connection', () => {
  it('a server that never answers: timeout outcome after the per-attempt deadline', async () => {
    server.handle(() => 'hang');
    const started = Date.now();
    const turn = await localHttpBotOf(get('/slow', { timeout: '200ms' }), {
      env: { URL: server.origin },
    }).start('k');
    const took = Date.now() - started;
    expect(turn.result).toBe('timeout');
    expect(server.requests.map((r) => r.url)).toEqual(['/slow']);
    expect(took).toBeGreaterThanOrEqual(150);
    expect(turn.variables.response).toEqual({ status: 0, body: '', error: 'timeout' });
    expect(warning(turn)).toContain('no answer within 200 ms');
  });

  it('a body that never finishes also times out', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write('{"partial":');
      return undefined;
    });
    const turn = await localHttpBotOf(get('/slow', { timeout: '200ms' }), {
      env: { URL: server.origin },
    }).start('k');
    expect(turn.result).toBe('timeout');
  });

  it('an unrouted timeout ends with status error and says why', async () => {
    server.handle(() => 'hang');
    const turn = await localHttpBotOf(get('/slow', { timeout: '200ms', on: '{ success: ok }' }), {
      env: { URL: server.origin },
    }).start('k');
    expect(turn.status).toBe('error');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'request.timeout',
        message: 'block "call": the request failed: no answer within 200 ms',
      },
    ]);
  });

  it('a closed port: network outcome', async () => {
    const port = await closedPort();
    const turn = await localHttpBotOf(get('/x'), { env: { URL: `http://127.0.0.1:${port}` } }).start('k');
    expect(turn.result).toBe('network');
    expect(turn.variables.response).toEqual({ status: 0, body: '', error: 'network' });
    expect(warning(turn)).toMatch(/ECONNREFUSED/);
  });

  it('a network failure falls back to error when network is not routed', async () => {
    const port = await closedPort();
    const turn = await localHttpBotOf(get('/x', { on: '{ success: ok, error: failed }' }), {
      env: { URL: `http://127.0.0.1:${port}` },
    }).start('k');
    expect(turn.result).toBe('failed');
    expect(codes(turn)).toEqual(['request.network']);
  });

  it('a connection closed without an answer: network outcome', async () => {
    server.handle((_request, response) => {
      response.socket?.destroy();
      return undefined;
    });
    const turn = await localHttpBotOf(get('/x'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('network');
  });
});

describe('size cap', () => {
  const FIVE_MIB = 5 * 1024 * 1024;

  it('a 5 MiB answer with a Content-Length is refused at the size limit', async () => {
    const big = JSON.stringify({ data: 'x'.repeat(FIVE_MIB) });
    server.handle((_request, response) => {
      response.writeHead(200, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(big),
      });
      response.end(big);
      return undefined;
    });
    const turn = await localHttpBotOf(get('/big'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('failed');
    expect(turn.variables.got).toBeUndefined();
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'request.limit',
        message: 'block "call": the request failed (the answer is over the size limit); going on at "failed"',
      },
    ]);
  });

  it('a 5 MiB chunked answer (no Content-Length) is refused too', async () => {
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      const chunk = 'y'.repeat(64 * 1024);
      for (let sent = 0; sent < FIVE_MIB; sent += chunk.length) response.write(chunk);
      response.end();
      return undefined;
    });
    const turn = await localHttpBotOf(get('/big', { on: '{ success: ok }' }), {
      env: { URL: server.origin },
    }).start('k');
    expect(turn.status).toBe('error');
    expect(codes(turn)).toEqual(['request.limit']);
    expect(warning(turn)).toContain('size limit');
  });

  it('a 503 over the size cap keeps its status routing, without its body', async () => {
    server.handle((_request, response) => {
      response.writeHead(503, { 'Content-Type': 'text/html' });
      response.end('<p>down</p>'.repeat(FIVE_MIB / 10));
      return undefined;
    });
    const yaml = get('/big', {
      on: "{ success: ok, '503': unavailable, limit: refused, error: failed }",
    }).replace(
      '  ok:',
      '  unavailable: { type: end, result: unavailable }\n  refused: { type: end, result: refused }\n  ok:',
    );
    const turn = await localHttpBotOf(yaml, { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('unavailable');
    expect(turn.variables.response).toEqual({ status: 503, body: '' });
    expect(codes(turn)).toEqual(['request.body-not-kept', 'request.status']);
    expect(warning(turn)).toContain('the response body is over the size limit, so response.body is empty');
  });

  it('a small gzip answer that inflates to 5 MiB is refused too (the cap counts what is read)', async () => {
    const bomb = gzipSync(Buffer.alloc(FIVE_MIB, '0'));
    expect(bomb.length).toBeLessThan(64 * 1024);
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip' });
      response.end(bomb);
      return undefined;
    });
    const turn = await localHttpBotOf(get('/bomb'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('failed');
    expect(warning(turn)).toContain('size limit');
  });

  it('a request body over the cap is refused as such, and never sent', async () => {
    const yaml = scriptYaml(`  send:
    type: request
    method: POST
    url: '{{ env.URL }}/x'
    body: { text: '{{ big }}' }
    on: { success: ok, error: failed }
  ok: { type: end, result: ok }
  failed: { type: end, result: failed }
`);
    const bot = localHttpBotOf(yaml, { env: { URL: server.origin }, http: { maxResponseBytes: 1000 } });
    const fits = await bot.start('k');
    expect(fits.result).toBe('ok');
    const tooBig = await localHttpBotOf(yaml.replace("'{{ big }}'", `'${'b'.repeat(1200)}'`), {
      env: { URL: server.origin },
      http: { maxResponseBytes: 1000 },
    }).start('k');
    expect(tooBig.result).toBe('failed');
    expect(warning(tooBig)).toContain('the request body is over the size limit');
    expect(server.requests).toHaveLength(1);
  });

  it('an answer just under 1 MiB is read, and the cap can be set by the host', async () => {
    const body = 'z'.repeat(1024 * 1024 - 16);
    server.handle((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(body);
      return undefined;
    });
    const yaml = get('/x');
    // Saving all of it needs room beyond the default 256 KiB of variables a conversation may hold.
    const roomy = { env: { URL: server.origin }, maxVariableBytes: 2 * 1024 * 1024 };
    const ok = await localHttpBotOf(yaml, roomy).start('k');
    expect(ok.result).toBe('ok');
    expect(ok.variables.got).toBe(body);
    // With the default, saving it would pass the limit: the answer is a failure to route, `limit`
    // (here caught by `error`), the saved variable is not kept, and the conversation is stored.
    const store = new MemoryStore();
    const kept = await localHttpBotOf(yaml, { env: { URL: server.origin }, store }).start('k');
    expect(kept.result).toBe('failed');
    expect(kept.variables).not.toHaveProperty('got');
    expect(kept.variables.response).toEqual({ status: 0, body: '', error: 'limit' });
    expect(warning(kept)).toContain('saving the answer would leave the conversation with');
    expect(codes(kept)).toContain('request.limit');
    expect(await store.get('k')).toBeDefined();
    const capped = await localHttpBotOf(yaml, {
      env: { URL: server.origin },
      http: { maxResponseBytes: 1000 },
    }).start('k');
    expect(capped.result).toBe('failed');
    expect(warning(capped)).toContain('size limit');
  });
});

describe('variables already over the limits before the answer', () => {
  it('are not blamed on the request: it routes as answered, and the turn ends as after any block', async () => {
    const yaml = scriptYaml(`  fill:
    type: bpl
    set: { note: "'${'n'.repeat(900)}'" }
    next: call
  call:
    type: request
    url: '{{ env.URL }}/x'
    save: { got: body }
    on: { success: ok, limit: report, error: failed }
  report:
    type: request
    url: '{{ env.URL }}/report'
    next: refused
  ok: { type: end, result: ok }
  refused: { type: end, result: refused }
  failed: { type: end, result: failed }
`);
    const turn = await localHttpBotOf(yaml, { env: { URL: server.origin }, maxVariableBytes: 500 }).start(
      'k',
    );
    expect(turn.status).toBe('error');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'variables.too-large',
        message: expect.stringMatching(
          /^block "ok": the turn would leave the conversation with \d+ bytes/,
        ) as unknown,
      },
    ]);
    // Not routed as the request's limit: the path for it never ran.
    expect(server.requests.map((r) => r.url)).toEqual(['/x']);
  });
});

describe('redirects', () => {
  /** `/hop/N` redirects to `/hop/N-1`; `/hop/0` answers where the chain ended. */
  function redirectChain(): void {
    server.handle((request, response) => {
      const hops = Number(/^\/hop\/(\d+)$/.exec(request.url)?.[1] ?? 'NaN');
      if (hops > 0) {
        response.writeHead(302, { Location: `/hop/${hops - 1}` });
        response.end();
        return undefined;
      }
      return json(response, 200, { arrived: request.url });
    });
  }

  it('a chain of 5 redirects is followed', async () => {
    redirectChain();
    const turn = await localHttpBotOf(get('/hop/5'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('ok');
    expect(turn.variables.got).toEqual({ arrived: '/hop/0' });
    expect(server.requests.map((r) => r.url)).toEqual([
      '/hop/5',
      '/hop/4',
      '/hop/3',
      '/hop/2',
      '/hop/1',
      '/hop/0',
    ]);
  });

  it('a chain of 6 redirects is refused: too many redirects', async () => {
    redirectChain();
    const turn = await localHttpBotOf(get('/hop/6'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('failed');
    expect(warning(turn)).toContain('too many redirects');
    expect(server.requests.map((r) => r.url)).not.toContain('/hop/0');
    expect(server.requests).toHaveLength(6);
  });

  it('a redirect to the cloud metadata address is refused before connecting', async () => {
    server.handle((_request, response) => {
      response.writeHead(302, { Location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
      return undefined;
    });
    const turn = await localHttpBotOf(get('/start'), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('failed');
    // `request.limit`, not `request.timeout`: refused before any connection was tried.
    expect(codes(turn)).toEqual(['request.limit']);
    expect(warning(turn)).toContain('the server redirected to another origin (http://169.254.169.254)');
    expect(server.requests.map((r) => r.url)).toEqual(['/start']);
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/', 'gopher://example.com/'])(
    'a redirect to %s is refused',
    async (location) => {
      server.handle((_request, response) => {
        response.writeHead(302, { Location: location });
        response.end();
        return undefined;
      });
      const turn = await localHttpBotOf(get('/start'), { env: { URL: server.origin } }).start('k');
      expect(turn.result).toBe('failed');
      expect(codes(turn)).toEqual(['request.limit']);
      expect(warning(turn)).toContain('the server redirected to another origin');
      expect(turn.variables.got).toBeUndefined();
    },
  );
});

describe('redirects to another origin', () => {
  const KEY = 'api-key-4592-secret';
  let other: RecordingServer;
  beforeEach(async () => {
    other = await startRecordingServer();
  });

  /** A POST with the script's own header and a JSON body, each outcome to its own end block. */
  const post = scriptYaml(`  call:
    type: request
    method: POST
    url: '{{ env.URL }}/start'
    headers: { x-api-key: '{{ env.API_KEY }}' }
    body: { card: '{{ env.API_KEY }}' }
    save: { got: body }
    on: { success: ok, limit: refused, error: failed }
  ok: { type: end, result: ok }
  refused: { type: end, result: refused }
  failed: { type: end, result: failed }
`);

  /** The first server answers `/start` with `status` to `location`; anything else with 200. */
  function redirectTo(status: number, location: (port: number) => string): void {
    server.handle((request, response) => {
      if (request.url !== '/start') return json(response, 200, { at: request.url, body: request.body });
      response.writeHead(status, { Location: location(other.port) });
      response.end();
      return undefined;
    });
  }

  it.each([
    [307, 'another host', (port: number) => `http://127.0.0.1:${port}/moved`],
    [308, 'another host', (port: number) => `http://127.0.0.1:${port}/moved`],
    [302, 'another host', (port: number) => `http://127.0.0.1:${port}/moved`],
    [307, 'another port', (port: number) => `http://localhost:${port}/moved`],
    [307, 'another scheme', () => `https://localhost/moved`],
  ])('a %i to %s is refused: neither the header nor the body is sent there', async (status, _what, to) => {
    redirectTo(status, to);
    const turn = await localHttpBotOf(post, {
      env: { URL: `http://localhost:${server.port}`, API_KEY: KEY },
      http: { allowHosts: ['localhost', '127.0.0.1'] },
    }).start('k');
    expect(turn.result).toBe('refused');
    expect(codes(turn)).toEqual(['request.limit']);
    expect(warning(turn)).toContain('the server redirected to another origin');
    expect(warning(turn)).toContain('a request follows redirects within its own origin only');
    expect(server.requests.map((r) => r.url)).toEqual(['/start']);
    expect(other.requests).toEqual([]);
  });

  it.each([
    ['relative', () => '/moved'],
    ['absolute', () => `http://localhost:${server.port}/moved`],
  ])(
    'a 307 within the origin (%s location) is followed with the header and the body',
    async (_, location) => {
      redirectTo(307, location);
      const turn = await localHttpBotOf(post, {
        env: { URL: `http://localhost:${server.port}`, API_KEY: KEY },
        http: { allowHosts: ['localhost'] },
      }).start('k');
      expect(turn.result).toBe('ok');
      const moved = server.requests[1];
      expect(moved).toMatchObject({ method: 'POST', url: '/moved', body: JSON.stringify({ card: KEY }) });
      expect(moved?.headers['x-api-key']).toBe(KEY);
    },
  );

  it('a relative redirect is judged against the url, not a Host header the script set', async () => {
    redirectTo(307, () => '/moved');
    const withHost = post
      .replace(
        "headers: { x-api-key: '{{ env.API_KEY }}' }",
        "headers: { x-api-key: '{{ env.API_KEY }}', Host: '{{ env.HOST }}' }",
      )
      .replace('env: [', 'env: [HOST, ');
    const turn = await localHttpBotOf(withHost, {
      env: { URL: server.origin, API_KEY: KEY, HOST: `localhost:${other.port}` },
      http: { allowHosts: ['localhost', '127.0.0.1'] },
    }).start('k');
    expect(turn.result).toBe('refused');
    expect(warning(turn)).toContain('the server redirected to another origin');
    expect(server.requests.map((r) => r.url)).toEqual(['/start']);
    expect(other.requests).toEqual([]);
  });

  it('a 303 within the origin turns the POST into a GET without the body', async () => {
    redirectTo(303, () => '/moved');
    const turn = await localHttpBotOf(post, {
      env: { URL: `http://localhost:${server.port}`, API_KEY: KEY },
      http: { allowHosts: ['localhost'] },
    }).start('k');
    expect(turn.result).toBe('ok');
    expect(server.requests[1]).toMatchObject({ method: 'GET', url: '/moved', body: '' });
  });
});

describe('private addresses', () => {
  it('a request to 127.0.0.1 without allowHosts is refused and never sent', async () => {
    const turn = await localHttpBotOf(get('/x'), {
      env: { URL: server.origin },
      http: { allowHosts: [] },
    }).start('k');
    expect(turn.result).toBe('failed');
    expect(codes(turn)).toEqual(['request.limit']);
    expect(warning(turn)).toContain(
      '127.0.0.1 is a private or local address; allow the host by name to reach it (--allow-host 127.0.0.1, or allowHosts in the library)',
    );
    expect(server.requests).toEqual([]);
  });

  it('the default client and a bot without a client refuse it too', async () => {
    const yaml = get('/x');
    const defaults = createBot({
      script: parseScript(yaml),
      env: { URL: server.origin },
      http: createHttpClient(),
    });
    const refused = await defaults.start('k');
    expect(refused.result).toBe('failed');
    expect(warning(refused)).toContain('127.0.0.1 is a private or local address');
    const without = await createBot({ script: parseScript(yaml), env: { URL: server.origin } }).start('k');
    expect(without.result).toBe('failed');
    expect(warning(without)).toContain('this bot was created without an HTTP client');
    expect(server.requests).toEqual([]);
  });

  it('a name that resolves to loopback is refused unless the name is allowed', async () => {
    const yaml = get('/x');
    const refused = await localHttpBotOf(yaml, {
      env: { URL: `http://localhost:${server.port}` },
      http: { allowHosts: [] },
    }).start('k');
    expect(refused.result).toBe('failed');
    expect(warning(refused)).toMatch(/localhost resolves to (127\.0\.0\.1|::1), which is a private/);
    expect(server.requests).toEqual([]);
    const allowed = await localHttpBotOf(yaml, {
      env: { URL: `http://localhost:${server.port}` },
      http: { allowHosts: ['LocalHost'] },
    }).start('k');
    expect(allowed.result).toBe('ok');
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['an IPv4-mapped IPv6 literal', (port: number) => `http://[::ffff:127.0.0.1]:${port}`],
    ['a hexadecimal IPv4 literal', (port: number) => `http://0x7f000001:${port}`],
    ['a trailing-dot name', (port: number) => `http://127.0.0.1.:${port}`],
  ])('loopback written as %s is refused too', async (_what, url) => {
    const turn = await localHttpBotOf(get('/x'), {
      env: { URL: url(server.port) },
      http: { allowHosts: [] },
    }).start('k');
    expect(turn.result).toBe('failed');
    expect(warning(turn)).toContain('is a private or local address');
    expect(server.requests).toEqual([]);
  });

  it('a refused request never reaches the server, retries or not', async () => {
    const yaml = get('/x').replace(
      'timeout:',
      'retry: { attempts: 3, backoff: 10ms, on: [error] }\n    timeout:',
    );
    const turn = await localHttpBotOf(yaml, { env: { URL: server.origin }, http: { allowHosts: [] } }).start(
      'k',
    );
    expect(turn.result).toBe('failed');
    expect(server.requests).toEqual([]);
  });
});

describe('allowHosts entries are compared as host names', () => {
  it('ignores case and a trailing dot', async () => {
    const server = await startRecordingServer();
    const bot = createBot({
      script: parseScript(
        `botflow: 1\nname: t\nblocks:\n  r: { type: request, url: "http://localhost:${server.port}/x", next: ok }\n  ok: { type: end, result: ok }\n`,
      ),
      http: createHttpClient({ allowHosts: ['LOCALHOST.'] }),
    });
    const turn = await bot.start('k');
    expect(turn.result).toBe('ok');
    expect(server.requests.map((r) => r.url)).toEqual(['/x']);
  });
});
