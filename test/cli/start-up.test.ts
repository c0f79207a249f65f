import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

/** What the quick commands must not load: stores, the HTTP client, Telegram, logging, layout, the runtime. */
const HEAVY = ['grammy', 'ioredis', 'better-sqlite3', 'pino', 'axios', 'elkjs', 'xstate', 'pg'];

const RECORDER = pathToFileURL(join(import.meta.dirname, '../support/record-imports.js')).href;
const PROJECT = pathToFileURL(ROOT).href;
const temp = useTempFolders('botflow-start-up-');

interface Loaded {
  readonly code: number;
  /** The npm packages the process loaded. */
  readonly packages: ReadonlySet<string>;
  /** The project's own modules it loaded, as paths from the project's root (`dist/cli-bundle/bin.js`). */
  readonly modules: ReadonlySet<string>;
}

/** Runs node with record-imports.js and `args` in the project's root, and says what it loaded. */
async function loadedBy(...args: readonly string[]): Promise<Loaded> {
  const record = join(temp.root, `${randomUUID()}.txt`);
  const code = await new Promise<number>((resolve) => {
    execFile(
      process.execPath,
      ['--import', RECORDER, ...args],
      { cwd: ROOT, timeout: 15_000, env: { ...process.env, RECORD_IMPORTS: record } },
      (error) => {
        resolve(error ? Number(error.code ?? 1) : 0);
      },
    );
  });
  const urls = (await readFile(record, 'utf8')).split('\n').filter((url) => url !== '');
  const packages = urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  const modules = urls.flatMap((url) =>
    url.startsWith(`${PROJECT}dist/`) ? [url.slice(PROJECT.length)] : [],
  );
  return { code, packages: new Set(packages), modules: new Set(modules) };
}

const botflow = (...args: readonly string[]) => loadedBy(join(ROOT, 'dist/cli-bundle/bin.js'), ...args);

/** The commands' own files in the bundle (`dist/cli-bundle/decode.js`), not the chunks they share. */
const COMMAND_FILE = /^dist\/cli-bundle\/(?!bin\.js$)[a-z]+\.js$/;

describe('start-up: what a command loads', () => {
  it.each([
    ['decode', ['decode', 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0']],
    ['decode of a link', ['decode', 'https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9']],
    ['link', ['link', 'telegram', 'MyCoolBot', '--email', 'email@gmail.com', '--var', 'city=Moscow']],
    ['link with its QR code', ['link', 'telegram', 'MyCoolBot', '--id', '42', '--qr']],
    ['decode of a start token', ['decode', `-${'a'.repeat(22)}`]],
    ['validate', ['validate', 'scripts/order-status.yaml']],
    ['validate of a case file', ['validate', 'scripts/order-status.cases.yaml']],
  ])('%s loads none of the heavy packages', async (_, args) => {
    const loaded = await botflow(...args);
    expect(loaded.code).toBe(0);
    expect(HEAVY.filter((name) => loaded.packages.has(name))).toEqual([]);
  });

  it('a command that opens no store loads no store driver', async () => {
    // The engine's index exports SqliteStore, RedisStore and PostgresStore; they load their drivers when opened.
    const loaded = await botflow('graph', 'scripts/order-status.yaml');
    expect(loaded.code).toBe(0);
    expect(['better-sqlite3', 'ioredis', 'pg'].filter((name) => loaded.packages.has(name))).toEqual([]);
  });

  it('--version loads no command and no package', async () => {
    // commander is in the bundle, not loaded from node_modules.
    const loaded = await botflow('--version');
    expect(loaded.code).toBe(0);
    expect([...loaded.packages]).toEqual([]);
    expect([...loaded.modules].filter((url) => COMMAND_FILE.test(url))).toEqual([]);
  });

  it('sees the heavy packages when they are loaded', async () => {
    // The checks above are only as good as the recorder: it must see CommonJS packages
    // (better-sqlite3, ioredis, one requiring the next) as well as ES modules (axios, xstate).
    const loaded = await loadedBy(
      '--input-type=module',
      '--eval',
      "await Promise.all(['better-sqlite3', 'ioredis', 'axios', 'xstate', 'pg'].map((name) => import(name)))",
    );
    expect(loaded.code).toBe(0);
    expect(HEAVY.filter((name) => loaded.packages.has(name))).toEqual([
      'ioredis',
      'better-sqlite3',
      'axios',
      'xstate',
      'pg',
    ]);
    // ioredis requires its own dependencies, which Node 20 loads past the resolve hook.
    expect(loaded.packages).toContain('redis-errors');
  });

  it('loads only the command it runs', async () => {
    const loaded = await botflow('decode', 'eyJlSWQiOiI0MiJ9');
    expect([...loaded.modules].filter((url) => COMMAND_FILE.test(url))).toEqual([
      'dist/cli-bundle/decode.js',
    ]);
  });
});
