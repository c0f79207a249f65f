import { afterEach, describe, expect, it } from 'vitest';
import type { SessionStore } from '../../engine/index.js';

/** A store under test; `close` releases what the store holds (a file, a connection). */
export type TestStore = SessionStore & { close?(): Promise<void> };

/** Makes a store whose keys are all absent; `ttlMs` asks for one that expires conversations. */
export type MakeStore = (options?: { ttlMs?: number }) => TestStore | Promise<TestStore>;

/** The behaviour every SessionStore promises, run against each implementation. */
export function describeStore(name: string, makeStore: MakeStore): void {
  describe(`${name} conforms to SessionStore`, () => {
    const opened: TestStore[] = [];
    const open = async (options?: { ttlMs?: number }) => {
      const store = await makeStore(options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close?.() ?? Promise.resolve()));
    });

    it('reads a missing key as undefined', async () => {
      const store = await open();
      expect(await store.get('missing')).toBeUndefined();
    });

    it('stores a new key at version 1', async () => {
      const store = await open();
      expect(await store.put('k', 'one', undefined)).toBe(1);
      expect(await store.get('k')).toMatchObject({ data: 'one', version: 1 });
    });

    it('refuses a write on a stale or wrong version and changes nothing', async () => {
      const store = await open();
      await store.put('k', 'one', undefined);
      expect(await store.put('k', 'again', undefined)).toBeUndefined();
      expect(await store.put('k', 'stale', 0)).toBeUndefined();
      expect(await store.put('k', 'ahead', 2)).toBeUndefined();
      expect(await store.put('absent', 'x', 1)).toBeUndefined();
      expect(await store.get('k')).toMatchObject({ data: 'one', version: 1 });
      expect(await store.get('absent')).toBeUndefined();
    });

    it('keeps the time of the last write', async () => {
      const store = await open();
      const before = Date.now();
      await store.put('k', 'one', undefined);
      const first = await store.get('k');
      expect(first?.writtenAt).toBeGreaterThanOrEqual(before);
      expect(first?.writtenAt).toBeLessThanOrEqual(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.put('k', 'two', 1);
      expect((await store.get('k'))?.writtenAt).toBeGreaterThan(first?.writtenAt ?? Infinity);
    });

    it('raises the version by one on each write', async () => {
      const store = await open();
      let version = await store.put('k', 'v1', undefined);
      for (const data of ['v2', 'v3', 'v4']) {
        const next = await store.put('k', data, version);
        expect(next).toBe((version ?? 0) + 1);
        version = next;
      }
      expect(await store.get('k')).toMatchObject({ data: 'v4', version: 4 });
    });

    it('deletes a key, after which it can be created afresh', async () => {
      const store = await open();
      await store.put('k', 'one', undefined);
      await store.delete('k');
      await store.delete('never-stored');
      expect(await store.get('k')).toBeUndefined();
      expect(await store.put('k', 'two', undefined)).toBe(1);
    });

    it('forgets a conversation once its ttl has passed', async () => {
      const store = await open({ ttlMs: 50 });
      await store.put('k', 'one', undefined);
      expect(await store.get('k')).toMatchObject({ data: 'one', version: 1 });
      // Generous margin: this checks that expiry happens, not how promptly.
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await store.get('k')).toBeUndefined();
      expect(await store.put('k', 'fresh', undefined)).toBe(1);
    });

    it('lets exactly one of 100 concurrent writes on the same version win', async () => {
      const store = await open();
      await store.put('k', 'start', undefined);
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => store.put('k', `writer ${i}`, 1)),
      );
      const winners = results.flatMap((version, i) => (version === undefined ? [] : [i]));
      expect(winners).toHaveLength(1);
      expect(results[winners[0] ?? -1]).toBe(2);
      expect(await store.get('k')).toMatchObject({ data: `writer ${winners[0] ?? -1}`, version: 2 });
    });

    it('lets exactly one of 100 concurrent creations win', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 100 }, () => store.put('new', 'x', undefined)));
      expect(results.filter((version) => version === 1)).toHaveLength(1);
    });

    it('round-trips large data unchanged', async () => {
      const store = await open();
      const data = JSON.stringify({ v: 'x'.repeat(2_000_000), n: Array.from({ length: 1000 }, (_, i) => i) });
      await store.put('big', data, undefined);
      expect((await store.get('big'))?.data).toBe(data);
    });

    it('round-trips unicode in keys and data', async () => {
      const store = await open();
      const data = '{"name":"Zoë 李雷 🤖","note":"ё\\u0000\\n\\t"}\u2028';
      await store.put('чат:42:😀', data, undefined);
      expect(await store.get('чат:42:😀')).toMatchObject({ data, version: 1 });
    });
  });
}
