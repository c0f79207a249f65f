import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jsqr from 'jsqr';
import { encode } from 'uqr';
import { afterAll, describe, expect, it } from 'vitest';
import { createBot, loadScript, RedisStore, SqliteStore } from '../../engine/index.js';
import { runCli } from '../support/cli.js';
import { useTempFolders } from '../support/temp-folders.js';
import { RedisServer } from '../store/redis-server.js';

const temp = useTempFolders('botflow-link-tokens-');
const redis = await RedisServer.start();
afterAll(async () => {
  await redis.dispose();
});

/** 83 characters once encoded: an email and cl_data do not fit in a link. */
const LONG = ['--email', 'anna.smith@example.com', '--var', 'cl_data=Anna Smith 31'];
const TOKEN_LINK = /^https:\/\/t\.me\/MyCoolBot\?start=(-[A-Za-z0-9_-]{22})\n$/;

const identification = await loadScript('scripts/client-identification.yaml');

describe('botflow link --store', () => {
  it('keeps a payload over 64 characters under a start token, which the bot on that store resolves', async () => {
    const file = join(temp.root, 'tokens.db');
    const made = await runCli([
      'link',
      'telegram',
      'MyCoolBot',
      ...LONG,
      '--store',
      `sqlite:${file}`,
      '--ttl',
      '30d',
    ]);
    expect(made.code).toBe(0);
    const token = TOKEN_LINK.exec(made.stdout)?.[1] ?? '';
    expect(token).not.toBe('');
    expect(made.stderr).toMatch(
      new RegExp(
        `^botflow: the payload is kept in ${file} under a start token; it expires \\d{4}-\\d\\d-\\d\\dT`,
      ),
    );

    const store = new SqliteStore(file);
    try {
      const record = await store.readLink(token, Date.now());
      expect(record?.expiresAt).toBeGreaterThan(Date.now() + 29 * 86_400_000);
      expect(record?.expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 86_400_000);
      const turn = await createBot({ script: identification, store }).start('telegram:1', {
        startParam: token,
      });
      expect(turn.variables).toMatchObject({ email: 'anna.smith@example.com', firstName: 'Anna', age: 31 });
      expect(turn.messages[0]?.text).toBe('Hello, Anna Smith! Glad to see you again.');
    } finally {
      await store.close();
    }
  });

  it('makes a token for a payload that fits with --token, in Redis, and decode --store reads it back without counting', async () => {
    const store = `${redis.url}/0`;
    const made = await runCli(['link', 'telegram', 'MyCoolBot', '--id', '42', '--token', '--store', store]);
    const token = TOKEN_LINK.exec(made.stdout)?.[1] ?? '';
    expect([made.code, token.length]).toEqual([0, 23]);
    expect(made.stderr).toContain('under a start token; it does not expire');

    const decoded = await runCli(['decode', '--json', token, '--store', store]);
    expect([decoded.code, JSON.parse(decoded.stdout)]).toEqual([
      0,
      {
        channel: null,
        kind: 'token',
        startParam: token,
        payload: { eId: '42' },
        signature: 'missing',
        linkVerified: true,
        variables: { clientExternalId: '42' },
        diagnostics: [],
      },
    ]);
    const redisStore = new RedisStore(store);
    try {
      expect(await redisStore.readLink(token, Date.now())).toMatchObject({ clicks: 0 });
    } finally {
      await redisStore.close();
    }
  });

  it('leaves a payload that fits in the link, opening no store', async () => {
    const file = join(temp.root, 'never-made.db');
    const made = await runCli(['link', 'telegram', 'MyCoolBot', '--id', '42', '--store', `sqlite:${file}`]);
    expect(made).toEqual({ code: 0, stdout: 'https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9\n', stderr: '' });
    expect(await readdir(temp.root)).not.toContain('never-made.db');
  });

  it('suggests --store when a payload does not fit and no store is given', async () => {
    const result = await runCli(['link', 'telegram', 'MyCoolBot', ...LONG]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^botflow: the payload encodes to 83 characters, 19 over the limit of 64; /,
    );
    expect(result.stderr).toMatch(
      /; or keep the payload in the bot’s store and put a start token in the link: --store sqlite:PATH, --store redis:\/\/HOST:PORT \(or redis\+cluster:\/\/…\) or --store postgres:\/\/HOST:PORT\/DATABASE\n$/,
    );
  });

  it.each([
    [['--id', '42', '--token'], 'botflow: --token needs --store, the store the bot runs with\n'],
    [['--id', '42', '--ttl', '30d'], 'botflow: --ttl needs --store, the store the bot runs with\n'],
    [
      ['--id', '42', '--expires', '1h'],
      'botflow: --expires goes with --sign: an expiry in an unsigned link can be edited away\n',
    ],
    [
      [...LONG, '--store', 'sqlite:x.db', '--ttl', '30 days'],
      'botflow: --ttl takes a whole number of minutes, hours or days, such as 90m, 12h or 30d (at most 10 years)\n',
    ],
    [
      [...LONG, '--store', 'memory'],
      'botflow: --store memory keeps nothing once botflow link exits; give sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE\n',
    ],
  ])('refuses %j with one sentence', async (args, stderr) => {
    expect(await runCli(['link', 'telegram', 'MyCoolBot', ...args])).toEqual({ code: 2, stdout: '', stderr });
  });
});

describe('botflow decode of a start token', () => {
  it('names a store that is not there, and makes none', async () => {
    const absent = join(temp.root, 'absent.db');
    expect(await runCli(['decode', `-${'c'.repeat(22)}`, '--store', `sqlite:${absent}`])).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: there is no session store at ${absent}\n`,
    });
    await expect(readdir(temp.root)).resolves.not.toContain('absent.db');
  });

  it('says it is a start token whose payload needs the store', async () => {
    const token = `-${'a'.repeat(22)}`;
    const text = await runCli(['decode', `https://t.me/MyCoolBot?start=${token}`]);
    expect(text).toEqual({
      code: 0,
      stdout: [
        'channel:    telegram (MyCoolBot)',
        `start data: ${token}`,
        'payload:    (a start token: its payload is in the store that issued it; add --store to read it)',
        'signature:  none (a start token: verified when the bot’s store resolves it, and linkVerified is then true)',
        'variables:',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(JSON.parse((await runCli(['decode', '--json', token])).stdout)).toMatchObject({
      kind: 'token',
      payload: null,
    });
  });

  it('takes a token as the argument whatever follows its "-", and still refuses an unknown option', async () => {
    // `-V…` and `-h…` would be --version and --help if the token were read as options.
    for (const token of [`-V${'a'.repeat(21)}`, `-h${'a'.repeat(21)}`, `--${'a'.repeat(21)}`]) {
      const decoded = await runCli(['decode', token, '--json']);
      expect(decoded).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(decoded.stdout)).toMatchObject({ kind: 'token', startParam: token });
    }
    expect(await runCli(['decode', '--jsn', 'eyJlSWQiOiI0MiJ9'])).toMatchObject({ code: 2, stdout: '' });
    expect(await runCli(['decode', '--jsn'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'botflow: unknown option "--jsn"\n',
    });
  });

  it('exits 1 on a token the store does not hold, and on a value that begins like a token but is none', async () => {
    const empty = join(temp.root, 'empty.db');
    await new SqliteStore(empty).close();
    const unknown = await runCli(['decode', `-${'b'.repeat(22)}`, '--store', `sqlite:${empty}`]);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('payload:    (none: the store does not hold this start token)');
    expect(unknown.stdout).toContain(
      'error: the start value is a start token that this bot’s store does not hold',
    );
    const malformed = await runCli(['decode', '--json', '-tooshort']);
    expect(malformed.code).toBe(1);
    expect(JSON.parse(malformed.stdout)).toMatchObject({
      kind: 'none',
      variables: {},
      diagnostics: [{ code: 'start.bad-token' }],
    });
  });
});

/** Reads the half-block code back into modules: true where dark. */
function modulesOf(text: string): boolean[][] {
  const rows: boolean[][] = [];
  for (const line of text.split('\n')) {
    const top: boolean[] = [];
    const bottom: boolean[] = [];
    for (const character of line) {
      // Light modules are drawn: █ both, ▀ the upper, ▄ the lower, a space neither.
      top.push(character === ' ' || character === '▄');
      bottom.push(character === ' ' || character === '▀');
    }
    rows.push(top, bottom);
  }
  return rows;
}

/** The modules as pixels (4 a module), read by a real QR decoder. */
function decodeModules(modules: readonly (readonly boolean[])[]): string | undefined {
  const scale = 4;
  const size = modules.length * scale;
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = modules[Math.floor(y / scale)]?.[Math.floor(x / scale)] ? 0 : 255;
      pixels.set([value, value, value, 255], (y * size + x) * 4);
    }
  }
  return jsqr.default(pixels, size, size)?.data;
}

describe('botflow link --qr and --qr-svg', () => {
  it('prints the QR code in half blocks, module for module the link’s, and a decoder reads the link from it', async () => {
    const result = await runCli(['link', 'telegram', 'MyCoolBot', '--id', '42', '--qr']);
    expect(result.code).toBe(0);
    const [link = '', ...code] = result.stdout.trimEnd().split('\n');
    expect(link).toBe('https://t.me/MyCoolBot?start=eyJlSWQiOiI0MiJ9');
    const expected = encode(link, { ecc: 'M', border: 4 });
    // An odd number of rows: the last line's lower half is blank.
    expect(code).toHaveLength(Math.ceil(expected.size / 2));
    const modules = modulesOf(code.join('\n')).slice(0, expected.size);
    expect(modules).toEqual(expected.data);
    expect(decodeModules(modules)).toBe(link);
  });

  it('writes the QR code as SVG to a file, and leaves nothing when it cannot', async () => {
    const dir = await temp.project({});
    const file = join(dir, 'link.svg');
    const result = await runCli(['link', 'whatsapp', '+79000000000', '--raw', '1234567', '--qr-svg', file]);
    expect(result.code).toBe(0);
    const link = result.stdout.trim();
    const svg = await readFile(file, 'utf8');
    const { size, data } = encode(link, { ecc: 'M', border: 4 });
    expect(svg).toMatch(new RegExp(`^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}"`));
    // Every dark module is one unit square of the path, and nothing else is.
    const squares = [...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map(([, x, y]) => `${x},${y}`);
    const dark = data.flatMap((row, y) => row.flatMap((isDark, x) => (isDark ? [`${x},${y}`] : [])));
    expect(squares).toEqual(dark);

    const refused = await runCli([
      'link',
      'telegram',
      'MyCoolBot',
      '--id',
      '42',
      '--qr-svg',
      join(dir, 'no', 'such', 'x.svg'),
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `botflow: cannot write the QR code to ${join(dir, 'no', 'such', 'x.svg')}: its folder does not exist\n`,
    );
    const asFolder = await runCli(['link', 'telegram', 'MyCoolBot', '--id', '42', '--qr-svg', dir]);
    expect(asFolder.stderr).toBe(`botflow: cannot write the QR code to ${dir}: it is a folder\n`);
    expect(await readdir(dir)).toEqual(['link.svg']);
  });
});
