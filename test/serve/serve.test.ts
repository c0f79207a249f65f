import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { ServeProcess } from '../support/serve-process.js';
import { closedPort, startRecordingServer } from '../support/recording-server.js';
import { useTempFolders } from '../support/temp-folders.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';
const SLOW = 'test/fixtures/serve/slow-request.yaml';

const temp = useTempFolders('botflow-serve-');
let files = 0;
const sqlite = () => `sqlite:${join(temp.root, `sessions-${++files}.db`)}`;

const serveWithStore = (store: string) => runCli(['serve', COLLECTOR, '--http', '0', '--store', store]);

describe('botflow serve refuses a bad start with one sentence', () => {
  it('without --http or a Telegram token (exit 2)', async () => {
    const result = await runCli(['serve', COLLECTOR]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(
      'botflow: serve needs --http PORT, --telegram-token or TELEGRAM_TOKEN, or both\n',
    );
  });

  it.each([
    [
      ['--store', 'mysql://u:pw-secret@db'],
      '--store takes memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE, not a value starting "mysql:"',
    ],
    [
      ['--store', 'REDIS://:pw-secret@127.0.0.1:6390'],
      '--store takes memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE, not a value starting "REDIS:"',
    ],
    [
      ['--store', ' redis://:pw-secret@127.0.0.1:6390'],
      '--store takes memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE',
    ],
    [['--store', 'sqlite:'], '--store sqlite: needs a file, e.g. sqlite:./sessions.db'],
    [['--http', '70000'], '--http takes a port from 0 to 65535, got "70000"'],
    [['--transcripts', '1001'], '--transcripts takes a number from 0 to 1000, got "1001"'],
    [
      ['--public-chat'],
      '--public-chat needs BOTFLOW_API_TOKEN: without a token the whole API is open anyway',
    ],
  ])('%j (exit 2)', async (args, message) => {
    const result = await runCli(['serve', COLLECTOR, '--http', '0', ...args]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `botflow: ${message}\n` });
  });

  it('when BOTFLOW_API_TOKEN is set but empty, rather than open the API (exit 2)', async () => {
    const result = await runCli(['serve', COLLECTOR, '--http', '0'], { env: { BOTFLOW_API_TOKEN: '' } });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'botflow: BOTFLOW_API_TOKEN is set but empty: give it a token, or unset it to run the JSON API without one\n',
    });
  });

  it('--public-chat without --http (exit 2)', async () => {
    const result = await runCli(['serve', COLLECTOR, '--public-chat', '--telegram-token', '1:x'], {
      env: { BOTFLOW_API_TOKEN: 'a-token' },
    });
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'botflow: --public-chat needs --http PORT\n' });
  });

  it('when the Redis store cannot be reached (exit 1)', async () => {
    const port = await closedPort();
    const result = await serveWithStore(`redis://u:pw-secret@127.0.0.1:${port}`);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: cannot reach the session store at redis://127.0.0.1:${port}\n`,
    });
  });

  it('when the PostgreSQL store cannot be reached (exit 1), naming it without its password', async () => {
    const port = await closedPort();
    const result = await serveWithStore(`postgresql://u:pw-secret@127.0.0.1:${port}/bots`);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: cannot reach the session store at postgresql://127.0.0.1:${port}/bots\n`,
    });
  });

  it.each([
    [
      'redis://:pa%zzss@127.0.0.1:6390',
      'the user name or password in the Redis URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    ],
    [
      'redis://pa%zzss:x@127.0.0.1:6390',
      'the user name or password in the Redis URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    ],
    [
      'redis://:pa%zzss@[127.0.0.1:6390',
      'the Redis URL is not a valid URL; it takes the form redis://[user:password@]host[:port][/db]',
    ],
    [
      'redis://:secret-pw@127.0.0.1:6390/sessions',
      'the database in the Redis URL must be a number, as in redis://127.0.0.1:6379/0',
    ],
    [
      'postgres://u:pa%zzss@127.0.0.1:5432/bots',
      'the user name or password in the PostgreSQL URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    ],
    [
      'postgres://u:secret-pw@/bots',
      'the PostgreSQL URL is not a valid URL; it takes the form postgres://[user[:password]@]host[:port]/database',
    ],
    [
      'postgres:///bots?password=secret-pw',
      'the PostgreSQL URL names no host; it takes the form postgres://[user[:password]@]host[:port]/database',
    ],
  ])('when the store URL %j is malformed (exit 1), without quoting it', async (store, message) => {
    for (const result of [
      await serveWithStore(store),
      await runCli(['serve', COLLECTOR, '--http', '0'], { env: { BOTFLOW_STORE: store } }),
    ]) {
      expect(result).toEqual({ code: 1, stdout: '', stderr: `botflow: ${message}\n` });
    }
  });

  it('when the port is taken (exit 1), closing the store it opened and removing the file it made', async () => {
    const taken = await startRecordingServer();
    const store = sqlite();
    const result = await runCli(['serve', COLLECTOR, '--http', String(taken.port), '--store', store]);
    await taken.close();
    expect(result).toEqual({
      code: 1,
      stdout: expect.stringContaining('"msg":"starting"') as unknown,
      stderr: `botflow: cannot listen on 127.0.0.1:${taken.port}: another process uses that port\n`,
    });
    const file = store.slice('sqlite:'.length);
    for (const made of [file, `${file}-wal`, `${file}-shm`]) expect(existsSync(made), made).toBe(false);
  });

  it('when the port is taken, a store file that was there before stays', async () => {
    const store = sqlite();
    const file = store.slice('sqlite:'.length);
    await new SqliteStore(file).close();
    const taken = await startRecordingServer();
    const result = await runCli(['serve', COLLECTOR, '--http', String(taken.port), '--store', store]);
    await taken.close();
    expect(result.code).toBe(1);
    expect(existsSync(file)).toBe(true);
  });

  it('when the SQLite file cannot be opened (exit 1)', async () => {
    const result = await serveWithStore(`sqlite:${temp.root}/missing/dir/x.db`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^botflow: cannot open the SQLite session store .*missing\/dir\/x\.db: .+\n$/,
    );
  });

  it('when a webhook is half set up (exit 1), naming the missing variable', async () => {
    const result = await runCli(['serve', COLLECTOR, '--http', '0', '--store', 'memory'], {
      env: { FACEBOOK_APP_SECRET: 'app-secret-value' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'botflow: the facebook webhook needs FACEBOOK_VERIFY_TOKEN set as well as FACEBOOK_APP_SECRET\n',
    );
  });

  it('when the script is broken (exit 1, with file:line:col)', async () => {
    const result = await runCli([
      'serve',
      'test/fixtures/serve/missing.yaml',
      '--http',
      '0',
      '--store',
      'memory',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^botflow: .*missing\.yaml/);
    expect(result.stderr.split('\n')).toHaveLength(2);
  });
});

describe('botflow serve with a SQLite store', () => {
  it('answers the JSON API and continues a conversation after being killed', async () => {
    const store = sqlite();
    const first = await ServeProcess.start(COLLECTOR, ['--store', store]);
    const started = await first.post('/conversations/u1/start', { startParam: '42' });
    expect(started.status).toBe(200);
    expect(started.body.messages).toEqual([{ text: 'Hello 42' }, { text: 'Next?' }]);
    expect((await first.post('/conversations/u1/messages', { text: 'a' })).body.messages).toEqual([
      { text: 'Got a,' },
      { text: 'Next?' },
    ]);
    // No graceful shutdown: what was answered was stored before the answer went out.
    await first.stop('SIGKILL');

    const second = await ServeProcess.start(COLLECTOR, ['--store', store]);
    const stored = await second.get('/conversations/u1');
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ status: 'waiting', block: 'next-item', variables: { log: 'a,' } });
    expect((await second.post('/conversations/u1/messages', { text: 'b' })).body.messages).toEqual([
      { text: 'Got a,b,' },
      { text: 'Next?' },
    ]);
    expect(await second.stop()).toBe(0);
  });

  it('finishes a turn in flight on SIGTERM, stores it, and exits 0', async () => {
    let respond: ((response: ServerResponse) => void) | undefined;
    const asked = new Promise<ServerResponse>((resolve) => (respond = resolve));
    const crm = await startRecordingServer((_request, response) => {
      respond?.(response);
      return undefined;
    });
    const crmUrl = crm.origin;
    const store = sqlite();
    const args = ['--store', store, '--env', `CRM_URL=${crmUrl}`, '--allow-host', '127.0.0.1'];
    const serving = await ServeProcess.start(SLOW, args);

    const turn = serving.post('/conversations/u1/start', { startParam: '42' });
    const response = await asked; // the turn waits on the CRM now
    const exit = serving.stop('SIGTERM');
    await serving.waitForLog((line) => line.msg === 'stopping: finishing the turns in flight');
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"John"}');
    expect((await turn).body.messages).toEqual([{ text: 'Hi John! Anything else?' }]);
    expect(await exit).toBe(0);
    expect(serving.logs.at(-1)?.msg).toBe('stopped');
    await crm.close();

    const again = await ServeProcess.start(SLOW, args);
    expect((await again.get('/conversations/u1')).body).toMatchObject({
      block: 'hello',
      variables: { name: 'John' },
    });
    await again.stop();
  });
});

describe('botflow serve --public-chat --transcripts', () => {
  it('lets a page without the token hold a web: conversation, read its transcript and erase it', async () => {
    const serving = await ServeProcess.start(
      COLLECTOR,
      ['--store', sqlite(), '--public-chat', '--transcripts', '3'],
      { BOTFLOW_API_TOKEN: 'api-token-public-0123' },
    );
    const path = `/conversations/${encodeURIComponent(`web:${randomUUID()}`)}`;
    expect((await serving.post(`${path}/start`, {})).status).toBe(200);
    const turn = await serving.post(`${path}/messages`, { text: 'tea' });
    expect(turn.body).toMatchObject({
      status: 'waiting',
      input: { kind: 'text', retriesLeft: 2 },
      variables: { log: 'tea,' },
    });
    expect(turn.body.variables).toEqual({ log: 'tea,' });
    expect((await serving.get(`${path}/transcript`)).body).toMatchObject({
      messages: [
        { from: 'user', text: 'tea' },
        { from: 'bot', text: 'Got tea,' },
        { from: 'bot', text: 'Next?' },
      ],
    });
    expect((await serving.post('/conversations/u1/start', {})).status).toBe(401);
    expect((await serving.post('/conversations/web%3Ashort/start', {})).status).toBe(400);
    expect((await fetch(serving.url + path, { method: 'DELETE' })).status).toBe(204);
    expect((await serving.get(`${path}/transcript`)).status).toBe(404);
    expect(await serving.stop()).toBe(0);
  });
});

describe('botflow serve settings from the environment', () => {
  it('takes the store from BOTFLOW_STORE and counts an empty TELEGRAM_TOKEN as unset', async () => {
    const serving = await ServeProcess.start(COLLECTOR, [], { BOTFLOW_STORE: 'memory', TELEGRAM_TOKEN: '' });
    expect(serving.logs.find((line) => line.msg === 'starting')).toMatchObject({ store: 'memory' });
    expect((await serving.post('/conversations/u1/start', {})).status).toBe(200);
    expect(await serving.stop()).toBe(0);
    expect(serving.logs.some((line) => line.msg === 'polling Telegram')).toBe(false);
  });
});

describe('botflow serve logs', () => {
  it('one JSON line per request, with every secret masked', async () => {
    const secrets = {
      BOTFLOW_API_TOKEN: 'api-token-0123456789',
      FACEBOOK_APP_SECRET: 'fb-app-secret-0123456789',
      FACEBOOK_VERIFY_TOKEN: 'fb-verify-0123456789',
      FACEBOOK_PAGE_TOKEN: 'fb-page-token-0123456789',
    };
    const serving = await ServeProcess.start(
      COLLECTOR,
      ['--store', 'memory', '--env', 'CRM_TOKEN=crm-token-0123456789'],
      secrets,
    );
    const refused = await fetch(`${serving.url}/conversations/u1`, {
      headers: { authorization: `Bearer ${secrets.BOTFLOW_API_TOKEN}x` },
    });
    expect(refused.status).toBe(401);
    const allowed = await fetch(`${serving.url}/conversations/u1/start`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secrets.BOTFLOW_API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ startParam: '42' }),
    });
    expect(allowed.status).toBe(200);
    const verify = await fetch(
      `${serving.url}/webhooks/facebook?hub.mode=subscribe&hub.verify_token=${secrets.FACEBOOK_VERIFY_TOKEN}&hub.challenge=42`,
    );
    expect(await verify.text()).toBe('42');
    await serving.stop();
    const requests = serving.logs.filter((line) => line.msg === 'request' || line.msg === 'request failed');
    expect(requests.map((line) => [line.method, line.route, line.status])).toEqual([
      ['GET', '/conversations/:key', 401],
      ['POST', '/conversations/:key/start', 200],
      ['GET', '/webhooks/:channel', 200],
    ]);
    expect(serving.logs.find((line) => line.msg === 'listening')).toMatchObject({
      webhooks: ['/webhooks/facebook'],
    });
    for (const secret of [...Object.values(secrets), 'crm-token-0123456789'])
      expect(serving.output).not.toContain(secret);
  });
});
