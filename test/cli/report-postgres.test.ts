import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../engine/index.js';
import { freshPrefix, PostgresServer } from '../store/postgres-server.js';
import { runCli } from '../support/cli.js';

// Started while the file loads: missing PostgreSQL binaries then fail the file outright.
const server = await PostgresServer.start();
afterAll(async () => {
  await server.dispose();
});

const where = () => `postgres://127.0.0.1:${server.port}/postgres`;

async function tableCount(tablePrefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      'SELECT count(*) AS count FROM pg_tables WHERE starts_with(tablename, $1)',
      [tablePrefix],
    );
    return Number(rows[0]?.count);
  } finally {
    await client.end();
  }
}

describe('botflow report on PostgreSQL', () => {
  it('names a store that is not there, and makes none', async () => {
    const tablePrefix = freshPrefix();
    const result = await runCli(['report', '--store', `${server.url}?tablePrefix=${tablePrefix}`]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: there is no session store at ${where()} (no table ${tablePrefix}schema)\n`,
    });
    expect(await tableCount(tablePrefix)).toBe(0);
  });

  it('reports with a role that may only read, the tables named by the URL', async () => {
    const tablePrefix = freshPrefix();
    const writer = new PostgresStore(server.url, { tablePrefix });
    await writer.put('vk:3', '{}', undefined, {
      channel: 'vk',
      status: 'ended',
      block: 'done',
      result: 'ok',
      begins: true,
      counts: [],
    });
    await writer.close();
    await server.addPasswordRole('reporter', 'report-pw', { readOnly: true });
    const url = `postgres://reporter:report-pw@127.0.0.1:${server.port}/postgres?tablePrefix=${tablePrefix}`;
    const result = await runCli(['report', '--store', url, '--format', 'ndjson']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('"key":"vk:3"');
  });

  it('says at once that the URL gives no password when the server asks for one', async () => {
    await server.addPasswordRole('nopw', 'nopw-secret');
    const started = Date.now();
    const result = await runCli(['report', '--store', `postgres://nopw@127.0.0.1:${server.port}/postgres`]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `botflow: the session store at ${where()} asks for a password and its URL gives none: write it as postgres://user:password@host/database\n`,
    });
    // Not held by a socket the server keeps open for its authentication timeout (a minute).
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
