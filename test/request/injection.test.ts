import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codes } from './helpers.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closeServers,
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(closeServers);

const SECRET = 's3cr3t-token-value';
const env = () => ({ URL: server.origin, SECRET });

/** Asks for a reply, then sends it in the url path, a url query, `query`, the body and (optionally) a header. */
function echo(options: { header?: boolean; method?: string } = {}): string {
  return scriptYaml(`  ask: { type: ask, text: 'Say something', save: reply, next: call }
  call:
    type: request
    method: ${options.method ?? 'POST'}
    url: '{{ env.URL }}/clients/{{ reply }}/orders?inline={{ reply }}'
    query: { q: '{{ reply }}' }
${options.header === true ? "    headers: { X-Reply: '{{ reply }}' }\n" : ''}    body: { text: '{{ reply }}', note: 'said: {{ reply }}', list: ['{{ reply }}'] }
    on: { success: ok, error: failed }
  ok: { type: end, result: ok }
  failed: { type: end, result: failed }
`);
}

async function say(yaml: string, reply: string) {
  const bot = localHttpBotOf(yaml, { env: env() });
  const first = await bot.start('k');
  expect(first.status).toBe('waiting');
  return bot.send('k', reply);
}

/** The request target split into its raw path and raw query (both still percent-encoded). */
function target(request: RecordedRequest): { path: string; query: URLSearchParams } {
  const question = request.url.indexOf('?');
  return {
    path: question === -1 ? request.url : request.url.slice(0, question),
    query: new URLSearchParams(question === -1 ? '' : request.url.slice(question + 1)),
  };
}

function sentOnce(): RecordedRequest {
  expect(server.requests).toHaveLength(1);
  const [request] = server.requests;
  if (!request) throw new Error('nothing was sent');
  return request;
}

const HOSTILE = [
  '/../',
  '../../admin',
  'a/b',
  '..%2F..%2Fadmin',
  '?x=1',
  '&x=1',
  '#frag',
  '%2F',
  '%00',
  '%',
  '"double" \'single\' `back`',
  '{{ env.SECRET }}',
  '{{ env.URL }}',
  '@evil.example.com',
  '\\..\\..\\',
  'line one\r\nX-Injected: yes\r\n\r\nGET /admin HTTP/1.1',
  'Привет, мир 👋',
  '<script>alert(1)</script>',
  '${process.env.HOME}',
];

describe('user replies in a request are inert data', () => {
  it.each(HOSTILE)('%j: path segment percent-encoded, query and body intact', async (reply) => {
    const turn = await say(echo(), reply);
    expect(turn.result).toBe('ok');
    const request = sentOnce();
    const { path, query } = target(request);
    // The path keeps its structure: three segments, the middle one the whole reply.
    expect(path).toBe(`/clients/${encodeURIComponent(reply)}/orders`);
    expect(path.split('/')).toHaveLength(4);
    expect(decodeURIComponent(path.split('/')[2] ?? '')).toBe(reply);
    expect(path).not.toMatch(/[?#]/);
    // The query has exactly the parameters the script wrote, each value the whole reply.
    expect([...query]).toEqual([
      ['inline', reply],
      ['q', reply],
    ]);
    // The body is JSON whose strings are exactly the reply.
    expect(request.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(request.body)).toEqual({ text: reply, note: `said: ${reply}`, list: [reply] });
    // A reply that looks like a template is never rendered: the secret never leaves.
    expect(JSON.stringify(request)).not.toContain(SECRET);
  });

  it.each(HOSTILE.filter((reply) => !/[\r\n]/.test(reply) && /^[\x20-\x7e]*$/.test(reply)))(
    '%j in a header arrives as it was typed',
    async (reply) => {
      const turn = await say(echo({ header: true }), reply);
      expect(turn.result).toBe('ok');
      expect(sentOnce().headers['x-reply']).toBe(reply);
    },
  );

  it.each([
    ['CR/LF', 'a\r\nX-Injected: yes', 'a line break'],
    ['a bare LF', 'a\nb', 'a line break'],
    ['a bare CR', 'a\rb', 'a line break'],
    ['a control character', 'a\u0001b', 'a character a header cannot carry'],
    ['text past Latin-1', 'Привет', 'a character a header cannot carry'],
  ])('a header with %s is refused: nothing is sent, the failure is routed', async (_what, reply, why) => {
    const turn = await say(echo({ header: true }), reply);
    expect(server.requests).toEqual([]);
    expect(turn.status).toBe('ended');
    expect(turn.result).toBe('failed');
    expect(codes(turn)).toEqual(['request.bad-header']);
    expect(turn.diagnostics[0]?.severity).toBe('warning');
    expect(turn.diagnostics[0]?.message).toBe(
      `block "call": header X-Reply would contain ${why}${why === 'a line break' ? '' : ' (a control character, or one past Latin-1)'}; the request was not sent, going on at "failed"`,
    );
    expect(turn.variables.response).toEqual({ status: 0, body: '', error: 'limit' });
  });

  it('a refused header without on.error goes to on_error, else ends with status error', async () => {
    const unrouted = echo({ header: true }).replace('on: { success: ok, error: failed }', 'next: ok');
    const failed = await say(unrouted, 'a\r\nb');
    expect(failed.status).toBe('error');
    expect(failed.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'request.bad-header',
        message: 'block "call": header X-Reply would contain a line break',
      },
    ]);
    const withOnError = unrouted.replace('blocks:\n', 'on_error: failed\nblocks:\n');
    const routed = await say(withOnError, 'a\r\nb');
    expect(routed.result).toBe('failed');
    expect(server.requests).toEqual([]);
  });

  it.each(['..', '.'])('a reply that is exactly %j is refused: it would climb the path', async (reply) => {
    const turn = await say(echo(), reply);
    expect(server.requests).toEqual([]);
    expect(turn.result).toBe('failed');
    expect(codes(turn)).toEqual(['request.bad-url']);
    expect(turn.diagnostics[0]?.message).toContain(
      'a value in the url is "." or "..", which would change the path',
    );
  });

  it('"..." is ordinary text', async () => {
    const turn = await say(echo(), '...');
    expect(turn.result).toBe('ok');
    expect(target(sentOnce()).path).toBe('/clients/.../orders');
  });
});

describe('the leading placeholder supplies the base', () => {
  const site = scriptYaml(`  ask: { type: ask, text: 'Your site?', save: site, next: call }
  call:
    type: request
    url: '{{ site }}/api/{{ site }}'
    on: { success: ok, error: failed }
  ok: { type: end, result: ok }
  failed: { type: end, result: failed }
`);

  it.each([
    ['javascript:alert(1)', 'renders with the scheme javascript, not http or https'],
    ['file:///etc/passwd', 'renders with the scheme file, not http or https'],
    ['ftp://example.com', 'renders with the scheme ftp, not http or https'],
    ['/relative/path', 'renders without a scheme'],
    ['//127.0.0.1/x', 'renders without a scheme'],
    ['127.0.0.1:8080', 'renders without a scheme'],
    ['http://', 'does not render a valid URL'],
    ['http//broken', 'renders without a scheme'],
    ['data:text/plain,hi', 'renders with the scheme data, not http or https'],
  ])('%j is not an absolute http(s) URL: the request fails cleanly, saying why', async (reply, why) => {
    const turn = await say(site, reply);
    expect(turn.status).toBe('ended');
    expect(turn.result).toBe('failed');
    expect(codes(turn)).toEqual(['request.bad-url']);
    // Not a secret: the value is quoted beside the reason.
    expect(turn.diagnostics[0]?.message).toBe(
      `block "call": the url "{{ site }}/api/{{ site }}" ${why}: site must be an absolute URL starting with http:// or https:// (it is "${reply}"); the request was not sent, going on at "failed"`,
    );
    expect(server.requests).toEqual([]);
  });

  it('an absolute URL is the base; the same value later in the url is one encoded segment', async () => {
    const turn = await say(site, server.origin);
    expect(turn.result).toBe('ok');
    expect(sentOnce().url).toBe(`/api/${encodeURIComponent(server.origin)}`);
  });

  it('a leading placeholder that is empty fails cleanly, naming it', async () => {
    const yaml = scriptYaml(
      `  call: { type: request, url: '{{ base }}/x', on: { error: failed } }
  failed: { type: end, result: failed }
`,
      "variables: { base: '' }\n",
    );
    const turn = await localHttpBotOf(yaml).start('k');
    expect(turn.result).toBe('failed');
    expect(turn.diagnostics[0]?.message).toContain(
      'the url "{{ base }}/x" starts with base, which is empty: base must be an absolute URL starting with http:// or https:// (it is "")',
    );
  });

  it.each([
    ['crm.example.com', 'renders without a scheme'],
    ['ftp://crm.example.com', 'renders with the scheme ftp, not http or https'],
    ['   ', 'starts with env.CRM_URL, which is empty'],
  ])(
    'an env value %j at the start says what is wrong with env.CRM_URL, never the value itself',
    async (value, why) => {
      const yaml =
        scriptYaml(`  call: { type: request, url: '{{ env.CRM_URL }}/clients', on: { error: failed } }
  failed: { type: end, result: failed }
`);
      const turn = await localHttpBotOf(yaml, { env: { CRM_URL: value } }).start('k');
      expect(turn.result).toBe('failed');
      expect(codes(turn)).toEqual(['request.bad-url']);
      expect(turn.diagnostics[0]?.message).toBe(
        `block "call": the url "{{ env.CRM_URL }}/clients" ${why}: env.CRM_URL must be an absolute URL starting with http:// or https://; the request was not sent, going on at "failed"`,
      );
      expect(server.requests).toEqual([]);
    },
  );

  it('a value in the host position cannot add a port, a user or a path', async () => {
    const yaml = scriptYaml(`  ask: { type: ask, text: 'Host?', save: host, next: call }
  call:
    type: request
    url: 'http://{{ host }}/x'
    on: { success: ok, error: failed }
  ok: { type: end, result: ok }
  failed: { type: end, result: failed }
`);
    const turn = await say(yaml, `evil.example@127.0.0.1:${server.port}/`);
    expect(turn.result).toBe('failed');
    expect(server.requests).toEqual([]);
  });
});
