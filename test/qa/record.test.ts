import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { envForCase, writeCaseFile } from '../../qa/record.js';
import { ROOT, runCli } from '../support/cli.js';
import {
  closeServers,
  json,
  type RecordingServer,
  startRecordingServer,
  text,
} from '../support/recording-server.js';
import { useTempFolders } from '../support/temp-folders.js';

const ORDER_STATUS = 'scripts/order-status.yaml';
const LEAD_CAPTURE = 'scripts/lead-capture.yaml';
const TOKEN = 'crm-secret-token-5678';
const TOPICS = ['Buy a plan', 'Support', 'Something else'];

interface RecordedFile {
  script: string;
  cases: {
    name: string;
    start: Record<string, unknown>;
    env?: Record<string, string>;
    clock: string;
    http?: { match: { method: string; url: string }; respond: unknown }[];
    steps: unknown[];
    expect: Record<string, unknown>;
  }[];
}

const temp = useTempFolders('botflow-record-');
afterEach(closeServers);

/** A CRM that is busy (503) at the first call for client 42, then answers with the order. */
async function flakyCrm(): Promise<RecordingServer> {
  let calls = 0;
  return startRecordingServer((request, response) => {
    if (request.url !== '/clients/42') return json(response, 404, { error: 'unknown client' });
    calls++;
    if (calls === 1) return text(response, 503, 'busy');
    return json(response, 200, {
      order: { product: 'Kettle', status: 'shipped' },
      seenAuthorization: request.headers.authorization ?? null,
    });
  });
}

async function replay(file: string): Promise<void> {
  const result = await runCli(['test', file]);
  expect(result.stderr).toBe('');
  expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
  expect(result.code).toBe(0);
}

async function readRecorded(file: string): Promise<{ raw: string; data: RecordedFile }> {
  const raw = await readFile(file, 'utf8');
  return { raw, data: parse(raw) as RecordedFile };
}

describe('botflow chat --record', () => {
  it('records real HTTP answers, a retry included, as a case that replays green', async () => {
    const crm = await flakyCrm();
    const file = join(temp.root, 'order.cases.yaml');
    const result = await runCli([
      'chat',
      ORDER_STATUS,
      '--payload',
      '{"eId":"42"}',
      '--env',
      `CRM_URL=${crm.origin}`,
      '--env',
      `CRM_TOKEN=${TOKEN}`,
      '--allow-host',
      '127.0.0.1',
      '--record',
      file,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('bot: Your order: Kettle (shipped).');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`recorded 1 step to ${file}`);
    // The live CRM really was asked twice: the retry is in the recording, not made up.
    expect(crm.requests.map((r) => r.url)).toEqual(['/clients/42', '/clients/42']);

    const { raw, data } = await readRecorded(file);
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(crm.origin);
    expect(data.script).toBe(relative(temp.root, join(ROOT, ORDER_STATUS)).split('\\').join('/'));
    expect(data.cases).toHaveLength(1);
    const [recorded] = data.cases;
    expect(recorded).toEqual({
      name: expect.stringMatching(/^recorded with botflow chat on /) as unknown,
      start: { payload: { eId: '42' }, channel: 'cli' },
      // A URL becomes a reserved name that never resolves; any other secret becomes ***.
      env: { CRM_URL: 'http://crm-url.invalid', CRM_TOKEN: '***' },
      clock: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
      http: [
        {
          match: { method: 'GET', url: 'http://crm-url.invalid/clients/42' },
          respond: [
            { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'busy' },
            {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: {
                order: { product: 'Kettle', status: 'shipped' },
                seenAuthorization: 'Bearer ***',
              },
            },
          ],
        },
      ],
      steps: [{ bot: 'Your order: Kettle (shipped).' }],
      expect: { status: 'ended', result: 'ok', block: 'done' },
    });
    await replay(file);
  });

  it('records a conversation through a random block as a case that replays the same branch, forced by --draw or not', async () => {
    const dir = await temp.project({
      'split.yaml': `botflow: 1
name: split
blocks:
  pick:
    type: random
    branches: [{ weight: 1, next: a }, { weight: 1, next: b }, { weight: 1, next: c }]
  a: { type: end, text: 'A' }
  b: { type: end, text: 'B' }
  c: { type: end, text: 'C' }
`,
    });
    const script = join(dir, 'split.yaml');
    for (const draw of [[], ['--draw', 'pick=0.1'], ['--draw', 'pick=0.5'], ['--draw', 'pick=0.9']]) {
      const file = join(dir, `split-${draw.join('')}.cases.yaml`);
      const result = await runCli(['chat', script, ...draw, '--record', file]);
      expect(result.code).toBe(0);
      const said = result.stdout.split('\n').find((line) => /^bot: [ABC]$/.test(line));
      if (draw.length > 0)
        expect(said).toBe(`bot: ${'ABC'.charAt(Math.floor(Number(draw[1]?.slice(5)) * 3))}`);
      // `run` talks as the same conversation, so it takes the same branch.
      expect((await runCli(['run', script, ...draw])).stdout).toContain(`${said ?? ''}\n`);
      await replay(file);
    }
    // Twelve CLI processes one after another: a busy 2-core machine needs more than the default budget.
  }, 90_000);

  it('records replies and buttons, starts over on /restart, and writes the schema comment', async () => {
    // Inside the project, so the case file finds botflow.cases.schema.json upward.
    const inside = await mkdtemp(join(ROOT, '.record-test-'));
    try {
      const file = join(inside, 'lead.cases.yaml');
      const result = await runCli(['chat', LEAD_CAPTURE, '--record', file], {
        input: ['Support', '/restart', '1', 'A', 'John', '2', '+7 (900) 000-00-00', ''].join('\n'),
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('— the recording starts over');
      expect(result.stdout.trimEnd().split('\n').at(-1)).toBe(`recorded 11 steps to ${file}`);

      const { raw, data } = await readRecorded(file);
      expect(raw.startsWith('# yaml-language-server: $schema=../botflow.cases.schema.json\n')).toBe(true);
      expect(data.script).toBe('../scripts/lead-capture.yaml');
      const [recorded] = data.cases;
      expect(recorded?.start).toEqual({ channel: 'cli' });
      expect(recorded && 'env' in recorded).toBe(false);
      expect(recorded && 'http' in recorded).toBe(false);
      // Only the conversation after /restart; a number is recorded as the button's text.
      expect(recorded?.steps).toEqual([
        { bot: { text: 'Hi! What can we help you with?', buttons: TOPICS } },
        { user: 'Buy a plan' },
        { bot: 'What is your name?' },
        { user: 'A' },
        { bot: 'Just your name, please (letters only).' },
        { user: 'John' },
        { bot: { text: 'How should we reach you?', buttons: ['Email', 'Phone'] } },
        { user: 'Phone' },
        { bot: 'Your phone number, with the country code?' },
        { user: '+7 (900) 000-00-00' },
        { bot: 'Thank you, John! We will be in touch about buy.' },
      ]);
      expect(recorded?.expect).toEqual({ status: 'ended', result: 'lead', block: 'saved' });
      await replay(file);
    } finally {
      await rm(inside, { recursive: true, force: true });
    }
  });

  it('records a conversation still waiting, and refuses to overwrite a file without --force', async () => {
    const file = join(temp.root, 'existing.cases.yaml');
    await writeFile(file, 'keep me\n');
    const refused = await runCli(['chat', LEAD_CAPTURE, '--record', file], { input: '1\n' });
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: ${file} already exists; add --force to overwrite it\n`,
    });
    expect(await readFile(file, 'utf8')).toBe('keep me\n');

    const forced = await runCli(['chat', LEAD_CAPTURE, '--record', file, '--force'], { input: '1\n' });
    expect(forced.code).toBe(0);
    const { data } = await readRecorded(file);
    expect(data.cases[0]?.steps).toEqual([
      { bot: { text: 'Hi! What can we help you with?', buttons: TOPICS } },
      { user: 'Buy a plan' },
      { bot: 'What is your name?' },
    ]);
    expect(data.cases[0]?.expect).toEqual({ status: 'waiting', block: 'ask-name' });
    await replay(file);
    // No temporary file is left beside it.
    expect((await readdir(temp.root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never writes a secret env value, wherever it shows up, and still replays green', async () => {
    const crm = await startRecordingServer((request, response) =>
      json(response, 200, { order: null, note: `called with ${request.headers.authorization ?? ''}` }),
    );
    const file = join(temp.root, 'secret.cases.yaml');
    const result = await runCli(
      [
        'chat',
        ORDER_STATUS,
        // The secret in the start payload, so in the request URL too.
        '--payload',
        JSON.stringify({ eId: TOKEN }),
        '--env',
        `CRM_URL=${crm.origin}`,
        '--env',
        `CRM_TOKEN=${TOKEN}`,
        '--record-env',
        'CRM_URL',
        '--allow-host',
        '127.0.0.1',
        '--record',
        file,
      ],
      // …and in a reply.
      { input: `my token is ${TOKEN}\nanna@example.com\n` },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(crm.requests.map((r) => r.url)).toEqual([`/clients/${TOKEN}`]);

    const { raw, data } = await readRecorded(file);
    expect(raw).not.toContain(TOKEN);
    expect(raw).not.toContain(encodeURIComponent(TOKEN));
    const [recorded] = data.cases;
    // --record-env keeps a value that is not a secret as it is.
    expect(recorded?.env).toEqual({ CRM_URL: crm.origin, CRM_TOKEN: '***' });
    expect(recorded?.start).toEqual({ payload: { eId: '***' }, channel: 'cli' });
    expect(recorded?.http).toEqual([
      {
        match: { method: 'GET', url: `${crm.origin}/clients/***` },
        respond: {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { order: null, note: 'called with Bearer ***' },
        },
      },
    ]);
    expect(recorded?.steps).toContainEqual({ user: 'my token is ***' });
    expect(recorded?.expect).toEqual({ status: 'ended', result: 'ok', block: 'done' });
    await replay(file);
  });

  it('takes --record-env and --force only with --record, and --record-env only for a given env', async () => {
    const alone = await runCli(['chat', LEAD_CAPTURE, '--force']);
    expect(alone).toEqual({ code: 2, stdout: '', stderr: 'botflow: --force only goes with --record\n' });
    const unknown = await runCli(
      ['chat', LEAD_CAPTURE, '--record', join(temp.root, 'x.cases.yaml')].concat(['--record-env', 'NOPE']),
    );
    expect(unknown).toEqual({
      code: 2,
      stdout: '',
      stderr: 'botflow: --record-env NOPE names no env value\n',
    });
  });
});

describe('envForCase', () => {
  it('keeps short and allowed values, turns URLs into reserved names and the rest into ***', () => {
    const { env, mask } = envForCase(
      {
        MODE: 'on',
        CRM_URL: 'https://crm.example.com/',
        HOOK_URL: 'https://hooks.example.com/T000/secret',
        API_KEY: 'key with spaces&=',
        PUBLIC: 'https://public.example.com',
      },
      ['PUBLIC'],
    );
    expect(env).toEqual({
      MODE: 'on',
      CRM_URL: 'https://crm-url.invalid/',
      HOOK_URL: 'https://hook-url.invalid',
      API_KEY: '***',
      PUBLIC: 'https://public.example.com',
    });
    // Raw, percent-encoded and form-encoded forms alike, each by its placeholder's same form.
    expect(
      mask({
        url: 'https://crm.example.com/clients?key=key%20with%20spaces%26%3D',
        form: 'key=key+with+spaces%26%3D&next=https%3A%2F%2Fhooks.example.com%2FT000%2Fsecret',
        [`said key with spaces&=`]: ['https://hooks.example.com/T000/secret/x', 42],
      }),
    ).toEqual({
      url: 'https://crm-url.invalid/clients?key=***',
      form: 'key=***&next=https%3A%2F%2Fhook-url.invalid',
      'said ***': ['https://hook-url.invalid/x', 42],
    });
  });

  it('writes a kept value and a URL that only begin like a secret as they are', () => {
    const { env, mask } = envForCase(
      { CRM_URL: 'https://crm.example.com/', HOOK_URL: 'https://crm.example.com/hooks/T000/secret' },
      ['CRM_URL'],
    );
    expect(env).toEqual({ CRM_URL: 'https://crm.example.com/', HOOK_URL: 'https://hook-url.invalid' });
    // The mock URL of a request to the kept base: a cut-off piece of HOOK_URL, were it masked as one.
    expect(mask({ url: 'https://crm.example.com/' })).toEqual({ url: 'https://crm.example.com/' });
  });
});

describe('writeCaseFile', () => {
  const temporaries = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.tmp'));

  it('leaves no temporary file when the write fails', async () => {
    const dir = await temp.project({});
    // A folder that is not empty stands where the file goes: renaming over it fails.
    await mkdir(join(dir, 'taken.cases.yaml'));
    await writeFile(join(dir, 'taken.cases.yaml', 'inside'), 'x\n');
    await expect(writeCaseFile(join(dir, 'taken.cases.yaml'), 'cases: []\n', true)).rejects.toThrow();
    expect(await temporaries(dir)).toEqual([]);
  });

  it('when the file appeared meanwhile, keeps the text in a temporary file it names, or discards it when told', async () => {
    const dir = await temp.project({ 'new.cases.yaml': 'keep me\n' });
    const file = join(dir, 'new.cases.yaml');
    await expect(writeCaseFile(file, 'cases: []\n', false, 'discard')).rejects.toThrow(
      `${file} appeared while it was being written, so it was not overwritten`,
    );
    expect(await temporaries(dir)).toEqual([]);

    const kept = await writeCaseFile(file, 'cases: []\n', false).catch((error: unknown) => error);
    expect(kept).toMatchObject({ code: 'record.exists' });
    const [temporary = ''] = await temporaries(dir);
    expect((kept as Error).message).toBe(
      `${file} appeared while recording, so it was not overwritten; the recording is in ${join(dir, temporary)}`,
    );
    expect(await readFile(join(dir, temporary), 'utf8')).toBe('cases: []\n');
    expect(await readFile(file, 'utf8')).toBe('keep me\n');
  });
});
