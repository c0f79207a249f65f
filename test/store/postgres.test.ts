import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PostgresStore, StoreUnavailableError, type TurnSummary } from '../../engine/index.js';
import { AnswerProxy } from './answer-proxy.js';
import { describeStore } from './conformance.js';
import { freshPrefix, PostgresServer } from './postgres-server.js';

// Started while the file loads, not in beforeAll: missing PostgreSQL binaries then fail the file
// outright (counted as failed), where a failing hook would only mark its tests skipped.
const server = await PostgresServer.start();
afterAll(async () => {
  await server.dispose();
});

const freshStore = (options: { ttlMs?: number } = {}) =>
  new PostgresStore(server.url, { ...options, tablePrefix: freshPrefix() });

describeStore('PostgresStore', freshStore);

const ended: TurnSummary = {
  channel: 'vk',
  status: 'ended',
  block: 'done',
  result: 'ok',
  begins: true,
  counts: [{ block: 'done', edge: '', count: 1 }],
};

/** Runs `work` with a connection of the test's own to the server's maintenance database. */
async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe('PostgresStore tables', () => {
  it('makes its tables under its prefix on first use, with one schema version row', async () => {
    const tablePrefix = freshPrefix();
    // Two stores opening the same fresh tables at once: neither trips over the other's CREATE.
    const [one, two] = [0, 1].map(() => new PostgresStore(server.url, { tablePrefix }));
    await Promise.all([one?.put('k', 'x', undefined, ended), two?.get('k')]);
    const tables = await admin(async (client) => {
      const { rows } = await client.query<{ name: string }>(
        'SELECT tablename AS name FROM pg_tables WHERE tablename LIKE $1 ORDER BY 1',
        [`${tablePrefix}%`],
      );
      return rows.map(({ name }) => name.slice(tablePrefix.length));
    });
    expect(tables).toEqual(['conversations', 'funnel', 'links', 'locks', 'schema']);
    expect(
      await admin(
        async (client) =>
          (await client.query<{ version: number }>(`SELECT version FROM ${tablePrefix}schema`)).rows,
      ),
    ).toEqual([{ version: 1 }]);
    expect(await one?.purgeEnded(Date.now() + 1)).toBe(1);
    await Promise.all([one?.close(), two?.close()]);
  });

  it('refuses tables a later botflow made, in one sentence', async () => {
    const tablePrefix = freshPrefix();
    const first = new PostgresStore(server.url, { tablePrefix });
    await first.get('k');
    await first.close();
    await admin((client) => client.query(`UPDATE ${tablePrefix}schema SET version = 2`));
    const later = new PostgresStore(server.url, { tablePrefix });
    await expect(later.get('k')).rejects.toMatchObject({
      code: 'store.unavailable',
      message: expect.stringMatching(
        /was made by a later botflow \(schema version 2; this one reads 1\): upgrade botflow$/,
      ) as unknown,
    });
    await later.close();
  });

  it('refuses a table prefix that is not a plain lower-case name', () => {
    expect(() => new PostgresStore(server.url, { tablePrefix: 'bot; DROP TABLE x; --' })).toThrow(
      expect.objectContaining({ code: 'store.bad-option' }),
    );
  });

  it('refuses a URL it cannot read without quoting it', () => {
    for (const url of [
      'postgres://user:s3cret@/db',
      'postgres://user:50%zz-s3cret@127.0.0.1/db',
      'mysql://x',
    ]) {
      let error: unknown;
      try {
        new PostgresStore(url).close().catch(() => undefined);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ code: 'store.bad-option' });
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});

describe('PostgresStore while the server stops', () => {
  it('fails with store.unavailable, naming the URL without its password, and works again once it is back', async () => {
    const store = new PostgresStore(server.url.replace('//postgres@', '//postgres:s3cret@'), {
      tablePrefix: freshPrefix(),
    });
    await store.put('k', 'before', undefined);
    await server.stop();
    try {
      const error: unknown = await store.get('k').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toBe(
        `cannot reach the session store at postgres://127.0.0.1:${server.port}/postgres`,
      );
      await expect(store.put('k', 'during', 1)).rejects.toMatchObject({ code: 'store.unavailable' });
    } finally {
      await server.start();
    }
    await vi.waitFor(() => store.get('k'), { timeout: 5000, interval: 100 });
    expect(await store.get('k')).toMatchObject({ data: 'before', version: 1 });
    expect(await store.put('k', 'after', 1)).toBe(2);
    await store.close();
  });

  it('names a refusal by the server’s own message', async () => {
    const store = new PostgresStore(server.url.replace(/\/postgres$/, '/no_such_database'));
    await expect(store.get('k')).rejects.toMatchObject({
      code: 'store.unavailable',
      message: `the session store at postgres://127.0.0.1:${server.port}/no_such_database refused the command: database "no_such_database" does not exist`,
    });
    await store.close();
  });
});

describe('PostgresStore writes whose answer is lost', () => {
  it('reads the write back by its token, and reports one that was applied as applied', async () => {
    const proxy = await AnswerProxy.start(server.port);
    const proxied = `postgres://postgres@127.0.0.1:${new URL(proxy.url).port}/postgres`;
    const pool = new pg.Pool({
      connectionString: proxied,
      ...PostgresStore.connectionOptions,
      query_timeout: 500,
    });
    const store = new PostgresStore(pool, { tablePrefix: freshPrefix() });
    try {
      await store.put('k', 'before', undefined);
      proxy.swallowAnswers();
      // The write runs on the server; its answer never comes, and a new connection reads it back.
      expect(await store.put('k', 'during', 1)).toBe(2);
      expect(await store.get('k')).toMatchObject({ data: 'during', version: 2 });
      // A write that did not apply leaves no token to find: it cannot be told from one still running.
      proxy.swallowAnswers();
      await expect(store.put('k', 'stale', 1)).rejects.toMatchObject({ code: 'store.uncertain' });
      expect(await store.get('k')).toMatchObject({ data: 'during', version: 2 });
    } finally {
      await pool.end();
      await proxy.close();
    }
  });
});

describe('PostgresStore on a pool the caller passes in', () => {
  it('shares it with a store of another prefix, each reading its own tables, and leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: server.url, ...PostgresStore.connectionOptions, max: 1 });
    const [one, two] = [freshPrefix(), freshPrefix()].map(
      (tablePrefix) => new PostgresStore(pool, { tablePrefix }),
    );
    try {
      expect(one?.where).toBe(`postgres://127.0.0.1:${server.port}/postgres`);
      await one?.put('k', 'one', undefined);
      await two?.put('k', 'two', undefined);
      // One connection, each statement prepared under its own name: neither store runs the other's.
      expect(await one?.get('k')).toMatchObject({ data: 'one' });
      expect(await two?.get('k')).toMatchObject({ data: 'two' });
      await Promise.all([one?.close(), two?.close()]);
      expect((await pool.query<{ answer: number }>('SELECT 1 AS answer')).rows).toEqual([{ answer: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

/** The names of the tables under `tablePrefix` in the maintenance database, without the prefix. */
async function tablesUnder(tablePrefix: string): Promise<string[]> {
  return admin(async (client) => {
    const { rows } = await client.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE starts_with(tablename, $1) ORDER BY 1',
      [tablePrefix],
    );
    return rows.map(({ name }) => name.slice(tablePrefix.length));
  });
}

describe('PostgresStore with create: false', () => {
  it('refuses tables that are not there in one sentence, and makes none', async () => {
    const tablePrefix = freshPrefix();
    const store = new PostgresStore(server.url, { tablePrefix, create: false });
    await expect(store.get('k')).rejects.toMatchObject({
      code: 'store.unavailable',
      message: `there is no session store at postgres://127.0.0.1:${server.port}/postgres (no table ${tablePrefix}schema)`,
    });
    await store.close();
    expect(await tablesUnder(tablePrefix)).toEqual([]);
  });

  it('reads a store with a role that may only read, which could not open it to create', async () => {
    const tablePrefix = freshPrefix();
    const writer = new PostgresStore(server.url, { tablePrefix });
    await writer.put('k', 'written', undefined, ended);
    await writer.close();
    await server.addPasswordRole('reader', 'read-pw', { readOnly: true });
    const url = `postgres://reader:read-pw@127.0.0.1:${server.port}/postgres`;
    const creating = new PostgresStore(url, { tablePrefix });
    await expect(creating.get('k')).rejects.toMatchObject({
      message: expect.stringContaining('permission denied') as unknown,
    });
    await creating.close();
    const reader = new PostgresStore(url, { tablePrefix, create: false });
    try {
      expect(await reader.get('k')).toMatchObject({ data: 'written', version: 1 });
      expect(await reader.funnelCounts()).toEqual([{ block: 'done', edge: '', count: 1 }]);
    } finally {
      await reader.close();
    }
  });
});

describe('PostgresStore table prefix in the URL', () => {
  it('keeps two bots in one database apart, each under the ?tablePrefix= its URL gives', async () => {
    const [shop, support] = [freshPrefix(), freshPrefix()];
    const [one, two] = [shop, support].map(
      (prefix) => new PostgresStore(`${server.url}?tablePrefix=${prefix}&application_name=bot`),
    );
    try {
      await one?.put('telegram:1', 'shop', undefined);
      await two?.put('telegram:1', 'support', undefined);
      expect(await one?.get('telegram:1')).toMatchObject({ data: 'shop' });
      expect(await two?.get('telegram:1')).toMatchObject({ data: 'support' });
      expect(await tablesUnder(shop)).toEqual(['conversations', 'funnel', 'links', 'locks', 'schema']);
      expect(one?.where).toBe(`postgres://127.0.0.1:${server.port}/postgres`);
    } finally {
      await Promise.all([one?.close(), two?.close()]);
    }
  });

  it('refuses a prefix in the URL as it refuses the option, in one sentence', () => {
    expect(() => new PostgresStore(`${server.url}?tablePrefix=Shop-1`)).toThrow(
      expect.objectContaining({
        code: 'store.bad-option',
        message:
          'the PostgreSQL table prefix "Shop-1" cannot be used: it takes 1 to 41 lower-case letters, digits and _, not starting with a digit',
      }),
    );
  });
});

describe('PostgresStore on a pool of another copy of pg', () => {
  it('still tells a refusal by the server from a lost connection', async () => {
    // The application's own pg throws its own DatabaseError: the same shape, another class.
    class ForeignPool extends pg.Pool {
      override connect(): Promise<pg.PoolClient>;
      override connect(
        callback: (error: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void,
      ): void;
      override connect(): Promise<pg.PoolClient> | void {
        return super.connect().catch((error: unknown) => {
          const { message, code, severity } = error as pg.DatabaseError;
          throw Object.assign(new Error(message), { code, severity });
        });
      }
    }
    const pool = new ForeignPool({
      connectionString: server.url.replace(/\/postgres$/, '/no_such_database'),
    });
    const store = new PostgresStore(pool);
    try {
      await expect(store.get('k')).rejects.toMatchObject({
        code: 'store.unavailable',
        message: `the session store at postgres://127.0.0.1:${server.port}/no_such_database refused the command: database "no_such_database" does not exist`,
      });
    } finally {
      await pool.end();
    }
  });
});

describe('PostgresStore times', () => {
  it.each([
    [{ ttlMs: 1.5 }, 'the PostgreSQL ttlMs must be a whole number of at least 1, not 1.5'],
    [{ ttlMs: -1 }, 'the PostgreSQL ttlMs must be a whole number of at least 1, not -1'],
    [{ lockTtlMs: 100.5 }, 'the PostgreSQL lockTtlMs must be a whole number of at least 1, not 100.5'],
    [{ lockWaitMs: -5 }, 'the PostgreSQL lockWaitMs must be a whole number of at least 0, not -5'],
    [
      { lockWaitMs: Infinity },
      'the PostgreSQL lockWaitMs must be a whole number of at least 0, not Infinity',
    ],
  ])('refuses %j at construction, in one sentence', (options, message) => {
    expect(() => new PostgresStore(server.url, { ...options, tablePrefix: freshPrefix() })).toThrow(
      expect.objectContaining({ code: 'store.bad-option', message }),
    );
  });
});

describe('PostgresStore on a server that asks for a password', () => {
  it('says at once that the URL gives none', async () => {
    await server.addPasswordRole('bot', 'bot-pw');
    const store = new PostgresStore(`postgres://bot@127.0.0.1:${server.port}/postgres`);
    try {
      await expect(store.get('k')).rejects.toMatchObject({
        code: 'store.unavailable',
        message: `the session store at postgres://127.0.0.1:${server.port}/postgres asks for a password and its URL gives none: write it as postgres://user:password@host/database`,
      });
    } finally {
      await store.close();
    }
  });
});
