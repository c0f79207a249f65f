import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';

/** What the quick commands must not load: stores, the HTTP client, Telegram, logging, layout, the runtime. */
const HEAVY = ['grammy', 'ioredis', 'better-sqlite3', 'pino', 'axios', 'elkjs', 'xstate'];

const RECORDER = pathToFileURL(join(import.meta.dirname, '../support/record-imports.js')).href;
const PROJECT = pathToFileURL(ROOT).href;
const temp = useTempFolders('botflow-start-up-');

interface Loaded {
  readonly code: number;
  /** The npm packages the process loaded. */
  readonly packages: ReadonlySet<string>;
  /** The project's own modules it loaded, as paths from the project's root (`dist/cli/main.js`). */
  readonly modules: ReadonlySet<string>;
}

/** Runs the built CLI with record-imports.js and says what it loaded. */
async function loadedBy(args: readonly string[]): Promise<Loaded> {
  const record = join(temp.root, `${randomUUID()}.txt`);
  const { code } = await runCli(args, {
    env: { NODE_OPTIONS: `--import=${RECORDER}`, RECORD_IMPORTS: record },
  });
  const urls = (await readFile(record, 'utf8')).split('\n').filter((url) => url !== '');
  const packages = urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []);
  const modules = urls.flatMap((url) =>
    url.startsWith(`${PROJECT}dist/`) ? [url.slice(PROJECT.length)] : [],
  );
  return { code, packages: new Set(packages), modules: new Set(modules) };
}

describe('start-up: what a command loads', () => {
  it.each([
    ['decode', ['decode', 'eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0']],
    ['decode of a link', ['decode', 'https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9']],
    ['link', ['link', 'telegram', 'MyCoolBot', '--email', 'email@gmail.com', '--var', 'city=Moscow']],
    ['validate', ['validate', 'scripts/order-status.yaml']],
    ['validate of a case file', ['validate', 'scripts/order-status.cases.yaml']],
  ])('%s loads none of the heavy packages', async (_, args) => {
    const loaded = await loadedBy(args);
    expect(loaded.code).toBe(0);
    expect(HEAVY.filter((name) => loaded.packages.has(name))).toEqual([]);
  });

  it('--version loads no command and no package but commander', async () => {
    const loaded = await loadedBy(['--version']);
    expect(loaded.code).toBe(0);
    expect([...loaded.packages]).toEqual(['commander']);
    expect([...loaded.modules].filter((url) => url.startsWith('dist/cli/commands/'))).toEqual([]);
  });

  it('sees the heavy packages where a command does load them', async () => {
    // The check above is only as good as the recorder: `graph` loads the engine index, so the
    // stores (better-sqlite3 and ioredis, both CommonJS) and the HTTP client must show up here.
    const loaded = await loadedBy(['graph', 'scripts/order-status.yaml']);
    expect(loaded.code).toBe(0);
    for (const name of ['better-sqlite3', 'ioredis', 'axios', 'xstate'])
      expect(loaded.packages).toContain(name);
  });

  it('loads only the command it runs', async () => {
    const loaded = await loadedBy(['decode', 'eyJlSWQiOiI0MiJ9']);
    expect([...loaded.modules].filter((url) => url.startsWith('dist/cli/commands/'))).toEqual([
      'dist/cli/commands/decode.js',
    ]);
  });
});
