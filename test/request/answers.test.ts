import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RESPONSE_VALUES } from '../../blocks/request.js';
import { createHttpClient, MemoryStore, parseScript } from '../../engine/index.js';
import { codes } from './helpers.js';
import { runCli } from '../support/cli.js';
import { startApi, turnOf } from '../support/json-api.js';
import { localHttpBotOf, problems, scriptYaml } from '../support/scripts.js';
import { closeServers, type RecordingServer, startRecordingServer } from '../support/recording-server.js';
import { useTempFolders } from '../support/temp-folders.js';

let server: RecordingServer;
const temp = useTempFolders('botflow-answers-');

beforeEach(async () => {
  server = await startRecordingServer();
});
afterEach(closeServers);

/** 101 nested arrays: 202 bytes, one level past what the engine takes in. */
const TOO_DEEP = `${'['.repeat(101)}${']'.repeat(101)}`;

/** Answers every request `status` (200) with `body` as JSON text, and `headers` beside it. */
function answerJson(body: string, headers: Record<string, string> = {}, status = 200): void {
  server.handle((_request, response) => {
    response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    response.end(body);
    return 'sent';
  });
}

/** Asks for a name, then calls the CRM; each outcome ends at its own block. */
function lookup(on = '{ success: ok, limit: refused, error: failed }'): string {
  return scriptYaml(
    `  ask:
    type: ask
    text: 'Your name?'
    save: name
    next: call
  call:
    type: request
    url: '{{ env.URL }}/clients'
    save: { got: body, kinds: headers }
    on: ${on}
  ok: { type: end, text: 'Found you.', result: ok }
  refused: { type: end, text: 'The CRM answered something we cannot read.', result: refused }
  failed: { type: end, text: 'The CRM is down.', result: failed }
`,
    'expose: [name]\n',
  );
}

/** The same lookup without the ask: the request runs at start. */
const atStart = (on?: string) => lookup(on).replace(/ {2}ask:\n(?: {4}.*\n)+/, '');

describe('an answer the engine cannot take in is the outcome limit, not a failed turn', () => {
  it('a body nested 101 deep goes to on.limit, and the turn is stored', async () => {
    answerJson(TOO_DEEP);
    const store = new MemoryStore();
    const bot = localHttpBotOf(atStart(), { env: { URL: server.origin }, store });
    const turn = await bot.start('k');
    expect(turn).toMatchObject({ status: 'ended', block: 'refused', result: 'refused' });
    expect(turn.variables.got).toBeUndefined();
    expect(turn.variables.response).toEqual({ status: 0, body: '', error: 'limit' });
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'request.limit',
        message:
          'block "call": the request failed (the answer is nested more than 100 levels deep); going on at "refused"',
      },
    ]);
    expect(await bot.conversation('k')).toMatchObject({ status: 'ended', block: 'refused' });
    expect(await store.get('k')).toBeDefined();
  });

  it('without on.limit it goes to on.error; unrouted, to status error', async () => {
    answerJson(TOO_DEEP);
    const routed = await localHttpBotOf(atStart('{ success: ok, error: failed }'), {
      env: { URL: server.origin },
    }).start('k');
    expect(routed.result).toBe('failed');
    expect(codes(routed)).toEqual(['request.limit']);
    const unrouted = await localHttpBotOf(atStart('{ success: ok }'), { env: { URL: server.origin } }).start(
      'k',
    );
    expect(unrouted.status).toBe('error');
    expect(codes(unrouted)).toEqual(['request.limit']);
  });

  it('a body 100 deep is still taken in', async () => {
    answerJson(`${'['.repeat(100)}${']'.repeat(100)}`);
    const turn = await localHttpBotOf(atStart(), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('ok');
  });

  it(`a body of more than ${MAX_RESPONSE_VALUES} values is refused; one of exactly that many is taken in`, async () => {
    const list = (count: number) => `[${Array.from({ length: count }, () => '0').join(',')}]`;
    answerJson(list(MAX_RESPONSE_VALUES + 1));
    const refused = await localHttpBotOf(atStart(), { env: { URL: server.origin } }).start('k');
    expect(refused.result).toBe('refused');
    expect(refused.diagnostics[0]?.message).toContain(
      `the answer holds more than ${MAX_RESPONSE_VALUES} values (list items and object members)`,
    );
    answerJson(list(MAX_RESPONSE_VALUES));
    const taken = await localHttpBotOf(atStart(), { env: { URL: server.origin } }).start('k');
    expect(taken.result).toBe('ok');
    expect(taken.variables.got).toHaveLength(MAX_RESPONSE_VALUES);
  });

  it.each([
    ['a body nested 101 deep', TOO_DEEP, 'is nested more than 100 levels deep'],
    [
      `a body of more than ${MAX_RESPONSE_VALUES} values`,
      `[${'0,'.repeat(MAX_RESPONSE_VALUES)}0]`,
      `holds more than ${MAX_RESPONSE_VALUES} values (list items and object members)`,
    ],
  ])('%s in a 503 or a 404 keeps its status routing; the body is left out', async (_what, body, why) => {
    const on = "{ success: ok, '503': unavailable, 4xx: missing, limit: refused, error: failed }";
    const yaml = atStart(on).replace(
      '  ok:',
      '  unavailable: { type: end, result: unavailable }\n  missing: { type: end, result: missing }\n  ok:',
    );
    answerJson(body, {}, 503);
    const unavailable = await localHttpBotOf(yaml, { env: { URL: server.origin } }).start('k');
    expect(unavailable.result).toBe('unavailable');
    expect(unavailable.variables.response).toEqual({ status: 503, body: '' });
    expect(unavailable.variables.got).toBeUndefined();
    expect(unavailable.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'request.body-not-kept',
        message: `block "call": the response body ${why}, so response.body is empty`,
      },
      {
        severity: 'warning',
        code: 'request.status',
        message: 'block "call": the request failed (the server answered 503); going on at "unavailable"',
      },
    ]);
    answerJson(body, {}, 404);
    const missing = await localHttpBotOf(yaml, { env: { URL: server.origin } }).start('k');
    expect(missing.result).toBe('missing');
    expect(missing.variables.response).toEqual({ status: 404, body: '' });
  });

  it('more header bytes than Node reads is a limit too, not a network failure', async () => {
    const headers = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`x-h${i}`, 'v']));
    answerJson('{}', headers);
    const turn = await localHttpBotOf(atStart(), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('refused');
    expect(turn.diagnostics[0]?.message).toContain("the answer's headers are over the size limit");
  });

  it('a header named __proto__ is left out of headers, and pollutes nothing', async () => {
    server.handle((_request, response) => {
      response.setHeader('__proto__', 'polluted');
      response.setHeader('constructor', 'polluted');
      response.setHeader('X-Kind', 'gold');
      response.setHeader('Content-Type', 'application/json');
      response.end('{"__proto__": {"polluted": true}, "ok": 1}');
      return 'sent';
    });
    const turn = await localHttpBotOf(atStart(), { env: { URL: server.origin } }).start('k');
    expect(turn.result).toBe('ok');
    expect(turn.variables.got).toEqual({ ok: 1 });
    expect(turn.variables.kinds).toMatchObject({ 'x-kind': 'gold' });
    expect(Object.keys(turn.variables.kinds as object)).not.toContain('__proto__');
    expect(Object.keys(turn.variables.kinds as object)).not.toContain('constructor');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('botflow run exits 0 and prints the routed path', async () => {
    answerJson(TOO_DEEP);
    const file = join(await temp.project({ 'lookup.yaml': lookup() }), 'lookup.yaml');
    const run = await runCli([
      'run',
      file,
      '--allow-host',
      '127.0.0.1',
      '--env',
      `URL=${server.origin}`,
      '--say',
      'Ann',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The CRM answered something we cannot read.');
    expect(run.stdout).toContain('— ended at refused (result: refused)');
  });

  it('under the HTTP server the message answers 200 with the routed turn, and the reply is kept', async () => {
    answerJson(TOO_DEEP);
    const api = await startApi({
      bot: {
        script: parseScript(lookup()),
        env: { URL: server.origin },
        http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
      },
    });
    await turnOf(await api.call('POST', '/conversations/k/start', {}));
    const answer = await api.call('POST', '/conversations/k/messages', { text: 'Ann' });
    expect(answer.status).toBe(200);
    const turn = await turnOf(answer);
    expect(turn).toMatchObject({ status: 'ended', block: 'refused' });
    expect(turn.variables).toMatchObject({ name: 'Ann' });
    const shown = await turnOf(await api.call('GET', '/conversations/k'));
    expect(shown).toMatchObject({ status: 'ended', block: 'refused', variables: { name: 'Ann' } });
  });
});

describe('limit as an outcome in a script', () => {
  const call = (extra: string) =>
    scriptYaml(`  call:
    type: request
    url: 'https://crm.example/x'
${extra}
  done: { type: end }
`);

  it('is a key of on', () => {
    expect(problems(call('    on: { limit: done, success: done }'))).toEqual([]);
  });

  it('is never retried, and an unknown outcome names it among the valid ones', () => {
    expect(problems(call('    retry: { on: [limit] }\n    next: done'))).toEqual([
      '7:19: error: item 1 is not valid: limit is never retried: the same request would be refused again',
    ]);
    expect(problems(call('    on: { ok: done }'))).toEqual([
      '7:11: error: "ok" is not a valid name: an outcome is success, error, timeout, network, limit, 4xx or 404',
    ]);
  });
});
