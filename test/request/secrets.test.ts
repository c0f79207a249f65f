import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { localHttpBotOf, scriptYaml } from '../support/scripts.js';
import {
  closeServers,
  json,
  type RecordingServer,
  startRecordingServer,
} from '../support/recording-server.js';
import { useTempFolders } from '../support/temp-folders.js';

const TOKEN = 'tok_9f8e7d6c5b4a3210';

let server: RecordingServer;
beforeEach(async () => {
  server = await startRecordingServer((request, response) =>
    // A careless API that echoes what it was sent, credentials included.
    json(response, 200, { seen: request.headers.authorization ?? null, url: request.url }),
  );
});
afterEach(closeServers);

const temp = useTempFolders('botflow-request-');

/** A request with the token in a header; the answer echoes it, and a message tries to show it. */
const LEAKY = scriptYaml(
  `  call:
    type: request
    url: '{{ env.CRM_URL }}/me'
    headers: { Authorization: 'Bearer {{ env.CRM_TOKEN }}' }
    save: { seen: body.seen, whole: body }
    next: show
  show: { type: message, text: 'Sent {{ env.CRM_TOKEN }}, the server saw {{ seen }}', next: done }
  done: { type: end, result: ok }
`,
  'variables:\n  seen: ""\n',
);

describe('an env token in an Authorization header', () => {
  it('reaches the server but never the turn: messages, variables, diagnostics', async () => {
    const bot = localHttpBotOf(LEAKY, { env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN } });
    const turn = await bot.start('k');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(turn.result).toBe('ok');
    expect(turn.messages).toEqual([{ text: 'Sent ***, the server saw Bearer ***' }]);
    expect(turn.variables.seen).toBe('Bearer ***');
    expect(JSON.stringify(turn)).not.toContain(TOKEN);
    const later = await bot.conversation('k');
    expect(JSON.stringify(later)).not.toContain(TOKEN);
  });

  it('never appears as a key of a saved answer', async () => {
    server.handle((_request, response) => json(response, 200, { seen: 'no', [TOKEN]: { plan: 'gold' } }));
    const turn = await localHttpBotOf(LEAKY, { env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN } }).start(
      'k',
    );
    expect(turn.variables.whole).toEqual({ seen: 'no', '***': { plan: 'gold' } });
    expect(JSON.stringify(turn)).not.toContain(TOKEN);
  });

  it('never appears in a failure whose message carries the URL with the token in its query', async () => {
    // `:99999` makes the URL invalid after the base, so the diagnostic quotes the whole URL.
    const yaml = scriptYaml(`  call:
    type: request
    url: '{{ env.CRM_URL }}:99999/me?token={{ env.CRM_TOKEN }}'
    on: { error: failed }
  failed: { type: end, result: failed }
`);
    const turn = await localHttpBotOf(yaml, { env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN } }).start('k');
    expect(turn.result).toBe('failed');
    expect(turn.diagnostics[0]?.message).toContain('token=***');
    expect(JSON.stringify(turn)).not.toContain(TOKEN);
    expect(server.requests).toEqual([]);
  });

  it('never appears percent-encoded in error text either', async () => {
    const token = 'abc/def+ghi= jkl&';
    const yaml = scriptYaml(`  call:
    type: request
    url: '{{ env.CRM_URL }}:99999/me/{{ env.CRM_TOKEN }}?token={{ env.CRM_TOKEN }}'
    on: { error: failed }
  failed: { type: end, result: failed }
`);
    const turn = await localHttpBotOf(yaml, { env: { CRM_URL: server.origin, CRM_TOKEN: token } }).start('k');
    expect(turn.result).toBe('failed');
    expect(turn.diagnostics[0]?.message).toContain('/me/***?token=***');
    const text = JSON.stringify(turn);
    for (const form of [
      token,
      encodeURIComponent(token),
      new URLSearchParams({ t: token }).toString().slice(2),
    ])
      expect(text).not.toContain(form);
  });

  it('never appears when the token is in the query of a request that fails', async () => {
    const yaml = scriptYaml(`  call:
    type: request
    url: '{{ env.CRM_URL }}/me'
    query: { token: '{{ env.CRM_TOKEN }}' }
    timeout: 200ms
    on: { success: ok }
  ok: { type: end, result: ok }
`);
    server.handle(() => 'hang');
    const timedOut = await localHttpBotOf(yaml, { env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN } }).start(
      'k',
    );
    expect(server.requests[0]?.url).toBe(`/me?token=${TOKEN}`);
    expect(timedOut.status).toBe('error');
    expect(JSON.stringify(timedOut)).not.toContain(TOKEN);

    const refused = await localHttpBotOf(yaml, {
      env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN },
      http: { allowHosts: [] },
    }).start('k');
    expect(refused.status).toBe('error');
    expect(JSON.stringify(refused)).not.toContain(TOKEN);
  });

  it('is not carried along a redirect to another host', async () => {
    const other = await startRecordingServer();
    server.handle((request, response) => {
      if (request.url === '/me') {
        response.writeHead(302, { Location: `http://localhost:${other.port}/elsewhere` });
        response.end();
        return undefined;
      }
      return json(response, 404, {});
    });
    const turn = await localHttpBotOf(LEAKY, {
      env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN },
      http: { allowHosts: ['127.0.0.1', 'localhost'] },
    }).start('k');
    // Another origin is never followed (see limits.test.ts), so the token cannot go along.
    expect(turn.status).toBe('error');
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['request.limit']);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests).toEqual([]);
    expect(JSON.stringify(turn)).not.toContain(TOKEN);
  });

  it('a secret of under four characters is not masked (it would garble every text)', async () => {
    const yaml = scriptYaml(`  show: { type: message, text: 'code {{ env.PIN }}', next: done }
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, { env: { PIN: '123' } }).start('k');
    expect(turn.messages).toEqual([{ text: 'code 123' }]);
  });

  it('the store holds no request, so no header and no token', async () => {
    const store = new MemoryStore();
    const yaml = scriptYaml(`  call:
    type: request
    url: '{{ env.CRM_URL }}/me'
    headers: { Authorization: 'Bearer {{ env.CRM_TOKEN }}' }
    next: wait
  wait: { type: ask, text: 'Anything else?', save: more, next: done }
  done: { type: end }
`);
    const turn = await localHttpBotOf(yaml, {
      env: { CRM_URL: server.origin, CRM_TOKEN: TOKEN },
      store,
    }).start('k');
    expect(turn.status).toBe('waiting');
    const stored = (await store.get('k'))?.data ?? '';
    // response.body is the echo: the server's answer is the conversation's, like any saved value.
    expect(JSON.parse(stored)).toMatchObject({ b: 'wait', v: { response: { status: 200 } } });
    expect(stored).not.toContain('Authorization');
  });
});

describe('botflow run', () => {
  it('--env values never appear in --json output, nor in the transcript', async () => {
    const file = join(await temp.project({ 'leaky.yaml': LEAKY }), 'leaky.yaml');
    const args = ['run', file, '--env', `CRM_URL=${server.origin}`, '--env', `CRM_TOKEN=${TOKEN}`];
    const result = await runCli([...args, '--allow-host', '127.0.0.1', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const report = JSON.parse(result.stdout) as { turns: unknown; variables: Record<string, unknown> };
    expect(report.turns).toEqual([
      { user: null, messages: [{ text: 'Sent ***, the server saw Bearer ***' }] },
    ]);
    expect(report.variables.seen).toBe('Bearer ***');
    expect(result.stdout).not.toContain(TOKEN);

    const text = await runCli([...args, '--allow-host', '127.0.0.1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Sent ***');
    expect(text.stdout + text.stderr).not.toContain(TOKEN);
  });

  it('--env-from values are masked too, and so are failures', async () => {
    const dir = await temp.project({
      'leaky.yaml': LEAKY,
      'crm.env': `CRM_URL=${server.origin}\nCRM_TOKEN=${TOKEN}\n`,
    });
    const file = join(dir, 'leaky.yaml');
    const envFile = join(dir, 'crm.env');
    // Not allowed to reach 127.0.0.1: the request fails, unrouted, and says why.
    const result = await runCli(['run', file, '--env-from', envFile, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { status: string; diagnostics: { message: string }[] };
    expect(report.status).toBe('error');
    expect(report.diagnostics[0]?.message).toContain('is a private or local address');
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    expect(server.requests).toEqual([]);
  });

  it('refuses an env file over 64 KiB in one sentence, before reading it', async () => {
    const dir = await temp.project({
      'leaky-big.yaml': LEAKY,
      'big.env': `CRM_TOKEN=${'x'.repeat(64 * 1024)}\n`,
    });
    const file = join(dir, 'leaky-big.yaml');
    const envFile = join(dir, 'big.env');
    const result = await runCli(['run', file, '--env-from', envFile]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `botflow: the env file ${envFile} is ${64 * 1024 + 11} bytes, over the limit of 65536\n`,
    );
  });
});
