import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../engine/index.js';
import { describeStore } from './conformance.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-sqlite-');
let files = 0;
const freshFile = () => join(temp.root, `store-${++files}.db`);

describeStore('SqliteStore', (options) => new SqliteStore(freshFile(), options));

describe('SqliteStore on disk', () => {
  it('keeps conversations when the file is reopened', async () => {
    const file = freshFile();
    const first = new SqliteStore(file);
    await first.put('k', 'kept', undefined);
    await first.put('k', 'kept again', 1);
    await first.close();

    const second = new SqliteStore(file);
    expect(await second.get('k')).toMatchObject({ data: 'kept again', version: 2 });
    expect(await second.put('k', 'stale', 1)).toBeUndefined();
    expect(await second.put('k', 'next', 2)).toBe(3);
    await second.close();
  });

  it('lets one of two stores on the same file win a write on the same version', async () => {
    const file = freshFile();
    const one = new SqliteStore(file);
    const two = new SqliteStore(file);
    await one.put('k', 'start', undefined);
    const results = await Promise.all([one.put('k', 'one', 1), two.put('k', 'two', 1)]);
    expect(results.filter((version) => version === 2)).toHaveLength(1);
    await Promise.all([one.close(), two.close()]);
  });

  it('adds the report columns to a file made by the old schema, keeping its conversations', async () => {
    const file = freshFile();
    const old = new Database(file);
    old.exec(`CREATE TABLE conversations (
      key TEXT PRIMARY KEY, data TEXT NOT NULL, version INTEGER NOT NULL,
      updated_at INTEGER NOT NULL, expires_at INTEGER)`);
    old
      .prepare('INSERT INTO conversations VALUES (?, ?, 1, ?, NULL)')
      .run('old', '{"s":"v","b":"ask"}', 1000);
    old.close();

    const store = new SqliteStore(file);
    const listed = [];
    for await (const conversation of store.conversations()) listed.push(conversation);
    expect(listed).toEqual([
      {
        key: 'old',
        data: '{"s":"v","b":"ask"}',
        started: null,
        updated: 1000,
        channel: null,
        status: null,
        block: null,
        result: null,
      },
    ]);
    const summary = {
      channel: 'vk',
      status: 'ended' as const,
      block: 'done',
      result: 'ok',
      begins: false,
      counts: [],
    };
    expect(await store.put('old', 'next', 1, summary)).toBe(2);
    for await (const conversation of store.conversations()) {
      expect(conversation).toMatchObject({
        key: 'old',
        status: 'ended',
        block: 'done',
        channel: 'vk',
        result: 'ok',
      });
    }
    await store.close();
    // Opening a migrated file again changes nothing.
    await new SqliteStore(file).close();
  });

  it('refuses a page cache or memory map size that is not a number of MiB, in one sentence', () => {
    for (const options of [{ cacheMiB: -1 }, { cacheMiB: Number.NaN }, { mmapMiB: Infinity }]) {
      expect(() => new SqliteStore(freshFile(), options)).toThrow(
        expect.objectContaining({ code: 'store.bad-option' }) as Error,
      );
      expect(() => new SqliteStore(freshFile(), options)).toThrow(
        /^the SQLite store's (cacheMiB|mmapMiB) must be a number of MiB, 0 or more \(got .+\)$/,
      );
    }
  });

  it('keeps its conversations with the page cache and the memory map set', async () => {
    const file = freshFile();
    const store = new SqliteStore(file, { cacheMiB: 0.5, mmapMiB: 64 });
    await store.put('k', 'kept', undefined);
    await store.close();
    const again = new SqliteStore(file, { cacheMiB: 0, mmapMiB: 0 });
    expect(await again.get('k')).toMatchObject({ data: 'kept', version: 1 });
    await again.close();
  });

  it('rejects calls after close instead of throwing synchronously', async () => {
    const store = new SqliteStore(freshFile());
    await store.close();
    await expect(store.get('k')).rejects.toThrow(/not open/);
  });
});
