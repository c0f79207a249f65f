import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createBot, SqliteStore } from '../../engine/index.js';
import { ROOT, runCli } from '../support/cli.js';
import { scriptOf, SIGN_UP, yaml } from '../support/scripts.js';
import { ServeProcess } from '../support/serve-process.js';
import { useTempFolders } from '../support/temp-folders.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';
const temp = useTempFolders('botflow-report-');
let files = 0;
const freshDb = () => join(temp.root, `sessions-${++files}.db`);

/** A `serve` session on a SQLite file: three clients arrive by their links, one says something. */
async function servedSessions(): Promise<string> {
  const db = freshDb();
  const serving = await ServeProcess.start(COLLECTOR, ['--store', `sqlite:${db}`]);
  for (const [key, startParam] of [
    ['telegram:1', 'client-1'],
    ['telegram:2', 'eyJlSWQiOiItMSsxIn0'], // {"eId":"-1+1"}: a formula, to a spreadsheet
    ['vk:3', 'Zoe'],
  ] as const) {
    const started = await serving.post(`/conversations/${encodeURIComponent(key)}/start`, {
      startParam,
      channel: key.split(':')[0],
    });
    expect(started.status).toBe(200);
  }
  expect((await serving.post('/conversations/telegram%3A1/messages', { text: 'apples, "red"' })).status).toBe(
    200,
  );
  expect(await serving.stop()).toBe(0);
  return db;
}

describe('botflow report', () => {
  it('gives every conversation of a serve session, with its clientExternalId, as spreadsheet-safe CSV', async () => {
    const db = await servedSessions();
    const result = await runCli([
      'report',
      '--store',
      `sqlite:${db}`,
      '--format',
      'csv',
      '--vars',
      'clientExternalId,log',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const rows = parse<Record<string, string>>(result.stdout, { columns: true });
    expect(
      rows.map(({ key, channel, status, block, clientExternalId }) => ({
        key,
        channel,
        status,
        block,
        clientExternalId,
      })),
    ).toEqual([
      {
        key: 'telegram:2',
        channel: 'telegram',
        status: 'waiting',
        block: 'next-item',
        clientExternalId: "'-1+1",
      },
      { key: 'vk:3', channel: 'vk', status: 'waiting', block: 'next-item', clientExternalId: 'Zoe' },
      {
        key: 'telegram:1',
        channel: 'telegram',
        status: 'waiting',
        block: 'next-item',
        clientExternalId: 'client-1',
      },
    ]);
    expect(rows[2]?.log).toBe('apples, "red",');
    expect(rows.every((row) => Date.parse(row.started ?? '') <= Date.parse(row.updated ?? ''))).toBe(true);
  });

  it('writes --out whole, and prints the funnel', async () => {
    const db = await servedSessions();
    const out = join(temp.root, 'report.csv');
    const written = await runCli([
      'report',
      '--store',
      `sqlite:${db}`,
      '--format',
      'csv',
      '--bom',
      '--out',
      out,
    ]);
    expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(out, 'utf8')).toMatch(
      /^\uFEFFkey,channel,started,updated,status,block,result,clientExternalId\r\n/,
    );

    const funnel = await runCli(['report', '--store', `sqlite:${db}`, '--funnel', '--script', COLLECTOR]);
    expect(funnel.code).toBe(0);
    expect(funnel.stdout).toContain('3 conversations: 3 waiting, 0 ended, 0 error');
    expect(funnel.stdout).toMatch(/^greet +3 +0 +0 +0 +0\.0%$/m);
    expect(funnel.stdout).toMatch(/^next-item +4 +3 +0 +0 +75\.0%$/m);
    expect(funnel.stdout).toContain('    next → append: 1');
    const json = await runCli(['report', '--store', `sqlite:${db}`, '--funnel', '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ conversations: 3, retired: [] });
  });

  it('leaves nothing half-written when --out cannot be written', async () => {
    const db = await servedSessions();
    const folder = join(temp.root, 'missing');
    const result = await runCli(['report', '--store', `sqlite:${db}`, '--out', join(folder, 'r.csv')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^botflow: cannot write \S*r\.csv: its folder does not exist\n$/);
    expect(existsSync(folder)).toBe(false);
    expect((await readdir(temp.root)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('purges ended conversations last updated before the time given, and says how many', async () => {
    const db = freshDb();
    const script = join(temp.root, 'short.yaml');
    await writeFile(
      script,
      'botflow: 1\nname: short\nblocks:\n  bye: { type: end, text: Bye, result: done }\n',
    );
    const serving = await ServeProcess.start(script, ['--store', `sqlite:${db}`]);
    await serving.post('/conversations/a/start', {});
    await serving.post('/conversations/b/start', {});
    await serving.stop();
    const purge = (before: string) =>
      runCli(['report', '--store', `sqlite:${db}`, '--purge-ended-before', before]);
    expect((await purge('1d')).stdout).toMatch(/^purged 0 ended conversations last updated before \S+Z\n$/);
    const justNow = new Date().toISOString();
    expect(await purge(justNow)).toEqual({
      code: 0,
      stdout: `purged 2 ended conversations last updated before ${justNow}\n`,
      stderr: '',
    });
    expect((await runCli(['report', '--store', `sqlite:${db}`, '--format', 'json'])).stdout).toBe('[]\n');
  });
});

describe('serve --purge-ended-after', () => {
  it('purges ended conversations at start, leaving those still going', async () => {
    const db = freshDb();
    const script = join(temp.root, 'ends.yaml');
    await writeFile(
      script,
      'botflow: 1\nname: ends\nblocks:\n  ask: { type: ask, text: Name?, save: name, next: bye }\n  bye: { type: end, text: Bye }\n',
    );
    const first = await ServeProcess.start(script, ['--store', `sqlite:${db}`]);
    for (const key of ['a', 'b', 'c']) await first.post(`/conversations/${key}/start`, {});
    for (const key of ['a', 'b']) await first.post(`/conversations/${key}/messages`, { text: 'Zoe' });
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await ServeProcess.start(script, ['--store', `sqlite:${db}`, '--purge-ended-after', '1s']);
    const purged = await second.waitForLog((line) => line.msg === 'purged ended conversations');
    expect(purged.purged).toBe(2);
    await second.stop();
    const left = await runCli(['report', '--store', `sqlite:${db}`, '--format', 'ndjson']);
    expect(
      left.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { key: string }).key),
    ).toEqual(['c']);
  });

  it('counts no funnel with --no-funnel, and still lists the conversations', async () => {
    const db = freshDb();
    const serving = await ServeProcess.start(COLLECTOR, ['--store', `sqlite:${db}`, '--no-funnel']);
    await serving.post('/conversations/a/start', {});
    await serving.stop();
    const funnel = await runCli(['report', '--store', `sqlite:${db}`, '--funnel', '--format', 'json']);
    expect(JSON.parse(funnel.stdout)).toEqual({
      conversations: 1,
      stopped: { waiting: 1, ended: 0, error: 0 },
      blocks: [
        {
          id: 'next-item',
          type: null,
          entered: 0,
          stopped: { waiting: 1, ended: 0, error: 0 },
          dropOff: null,
          edges: [],
        },
      ],
      retired: [],
    });
  });

  it('refuses an age it cannot read', async () => {
    const result = await runCli([
      'serve',
      COLLECTOR,
      '--http',
      '0',
      '--store',
      'memory',
      '--purge-ended-after',
      '3 months',
    ]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'botflow: --purge-ended-after takes an age such as 90d, 12h, 30m or 2w, not "3 months"\n',
    });
  });
});

describe('botflow report masks env values', () => {
  it('that serve was given with --env or --env-from, wherever a variable copied one', async () => {
    const db = freshDb();
    const store = new SqliteStore(db);
    const script = scriptOf(yaml`
      botflow: 1
      name: copies-a-secret
      env: [API_KEY]
      variables: { copied: '' }
      blocks:
        copy: { type: bpl, set: { copied: 'env.API_KEY' }, next: bye }
        bye: { type: end, text: Bye }
    `);
    await createBot({ script, store, env: { API_KEY: 's3cr3t-key-value' } }).start('telegram:1');
    await store.close();
    const report = (...more: string[]) =>
      runCli(['report', '--store', `sqlite:${db}`, '--vars', 'copied', '--format', 'csv', ...more]);
    const column = async (...more: string[]) =>
      parse<Record<string, string>>((await report(...more)).stdout, { columns: true }).map(
        (row) => row.copied,
      );
    expect(await column()).toEqual(['s3cr3t-key-value']);
    expect(await column('--env', 'API_KEY=s3cr3t-key-value')).toEqual(['***']);
    const envFile = join(temp.root, 'serve.env');
    await writeFile(envFile, 'API_KEY=s3cr3t-key-value\n');
    expect(await column('--env-from', envFile)).toEqual(['***']);
  });
});

describe('botflow report into a reader that stops early', () => {
  it('ends quietly with exit 0, as `botflow report | head -1` does', async () => {
    const db = freshDb();
    const store = new SqliteStore(db);
    const bot = createBot({ script: scriptOf(SIGN_UP), store });
    // Far more than a pipe holds, so the writer is still writing when the reader goes.
    for (let client = 0; client < 3000; client += 1) await bot.start(`telegram:${client}`);
    await store.close();
    const child = spawn(
      process.execPath,
      ['dist/cli-bundle/bin.js', 'report', '--store', `sqlite:${db}`, '--format', 'csv'],
      {
        cwd: ROOT,
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (chunk: Buffer) => {
        resolve(chunk.toString());
      }),
    );
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first.startsWith('key,channel,')).toBe(true);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('botflow report refuses bad input with one sentence', () => {
  it.each([
    [
      ['--since', 'last week'],
      'botflow: --since takes an age such as 7d, 12h, 30m or 2w, or a date such as 2026-12-01 or 2026-12-01T09:00Z, not "last week"\n',
      1,
    ],
    [['--status', 'done'], 'botflow: --status takes waiting, ended, error, not "done"\n', 1],
    [['--vars', 'a', '--all-vars'], 'botflow: give --vars or --all-vars, not both\n', 1],
    [['--format', 'xlsx'], 'botflow: the report format must be table, csv, json or ndjson, not "xlsx"\n', 1],
    [
      ['--purge-ended-before', '2999-01-01'],
      'botflow: --purge-ended-before takes an age (90d) or a past date, not "2999-01-01", which is in the future\n',
      1,
    ],
    [
      ['--purge-ended-before', 'soon'],
      'botflow: --purge-ended-before takes an age such as 7d, 12h, 30m or 2w, or a date such as 2026-12-01 or 2026-12-01T09:00Z, not "soon"\n',
      1,
    ],
  ])('%j', async (args, stderr, code) => {
    const db = join(temp.root, 'never-made.db');
    const result = await runCli(['report', '--store', `sqlite:${db}`, ...args]);
    expect(result).toEqual({ code, stdout: '', stderr });
    expect(existsSync(db)).toBe(false);
  });

  it('names a store that is not there, and makes none', async () => {
    const db = join(temp.root, 'absent.db');
    const result = await runCli(['report', '--store', `sqlite:${db}`]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `botflow: there is no session store at ${db}\n` });
    expect(existsSync(db)).toBe(false);
  });

  it('refuses an unknown store scheme as serve does, without quoting the value', async () => {
    const result = await runCli(['report', '--store', 'mysql://u:pw-secret@db']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'botflow: --store takes memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE, not a value starting "mysql:"\n',
    });
  });
});
