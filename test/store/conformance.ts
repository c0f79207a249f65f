import { afterEach, describe, expect, it } from 'vitest';
import {
  LINK_RECORD_BYTES,
  type LinkStore,
  type ListFilter,
  type ReportingStore,
  type TurnSummary,
} from '../../engine/index.js';

/** A store under test; `close` releases what the store holds (a file, a connection). */
export type TestStore = ReportingStore & LinkStore & { close?(): Promise<void> };

const waiting = (block: string, more: Partial<TurnSummary> = {}): TurnSummary => ({
  channel: 'telegram',
  status: 'waiting',
  block,
  result: null,
  begins: false,
  counts: [],
  ...more,
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every conversation the store lists under `filter`, in its order. */
async function listed(store: ReportingStore, filter?: ListFilter) {
  const all = [];
  for await (const conversation of store.conversations(filter)) all.push(conversation);
  return all;
}

/** The store's funnel counters as `block edge` → count, for comparing without order. */
async function counters(store: ReportingStore): Promise<Record<string, number>> {
  const counts = await store.funnelCounts();
  return Object.fromEntries(counts.map(({ block, edge, count }) => [`${block} ${edge}`.trim(), count]));
}

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

    describe('link records', () => {
      const T = Date.UTC(2026, 0, 1);
      const DAY = 86_400_000;
      const listed = async (store: TestStore, now: number) => {
        const all = [];
        for await (const link of store.listLinks(now)) all.push(link);
        return all;
      };

      it('saves a record once under an id, and reads it back with no visits', async () => {
        const store = await open();
        expect(await store.createLink('-abc', '{"kind":"token"}', { now: T, expiresAt: T + DAY })).toBe(true);
        expect(await store.createLink('-abc', 'other', { now: T })).toBe(false);
        expect(await store.readLink('-abc', T)).toEqual({
          data: '{"kind":"token"}',
          createdAt: T,
          expiresAt: T + DAY,
          clicks: 0,
        });
        expect(await store.readLink('never-made', T)).toBeUndefined();
        await store.createLink('forever', 'x', { now: T });
        expect(await store.readLink('forever', T + 1000 * DAY)).toMatchObject({ expiresAt: undefined });
      });

      it('reads a record as absent from its expiry on, by the caller’s clock, and lets its id be used again', async () => {
        const store = await open();
        await store.createLink('code1', 'first', { now: T, expiresAt: T + 30 * DAY });
        await store.visitLink('code1', T + 1);
        expect(await store.readLink('code1', T + 30 * DAY - 1)).toMatchObject({ data: 'first', clicks: 1 });
        expect(await store.readLink('code1', T + 30 * DAY)).toBeUndefined();
        expect(await store.visitLink('code1', T + 30 * DAY)).toBeUndefined();
        expect(await listed(store, T + 30 * DAY)).toEqual([]);
        expect(await store.createLink('code1', 'second', { now: T + 30 * DAY })).toBe(true);
        expect(await store.readLink('code1', T + 31 * DAY)).toMatchObject({ data: 'second', clicks: 0 });
      });

      it('counts every one of 50 visits at once, each seeing its own count', async () => {
        const store = await open();
        await store.createLink('code2', 'x', { now: T });
        const visits = await Promise.all(Array.from({ length: 50 }, () => store.visitLink('code2', T)));
        expect(visits.map((record) => record?.clicks).sort((a = 0, b = 0) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        expect(await store.readLink('code2', T)).toMatchObject({ data: 'x', clicks: 50 });
      });

      it('counts no visit of an unknown id, and makes no record for it', async () => {
        const store = await open();
        expect(await store.visitLink('unknown', T)).toBeUndefined();
        expect(await store.readLink('unknown', T)).toBeUndefined();
        expect(await listed(store, T)).toEqual([]);
      });

      it('lists the live records oldest first with their visits, across pages', async () => {
        const store = await open();
        await store.createLink('expired', 'gone', { now: T, expiresAt: T + 10 });
        for (let i = 0; i < 1203; i++) await store.createLink(`id${i}`, `data ${i}`, { now: T + 1 + i });
        await store.visitLink('id7', T);
        await store.visitLink('id7', T);
        const links = await listed(store, T + 5000);
        expect(links).toHaveLength(1203);
        expect(links.map((link) => link.id)).toEqual(Array.from({ length: 1203 }, (_, i) => `id${i}`));
        expect(links[7]).toEqual({
          id: 'id7',
          data: 'data 7',
          createdAt: T + 8,
          expiresAt: undefined,
          clicks: 2,
        });
      });

      it('keeps links apart from conversations with the same key', async () => {
        const store = await open();
        await store.put('shared', 'conversation', undefined);
        await store.createLink('shared', 'link', { now: T });
        await store.delete('shared');
        expect(await store.readLink('shared', T)).toMatchObject({ data: 'link' });
        expect(await store.get('shared')).toBeUndefined();
      });

      it(`takes data up to ${LINK_RECORD_BYTES} bytes, in any script, and refuses more or a bad id`, async () => {
        const store = await open();
        const full = 'é'.repeat(LINK_RECORD_BYTES / 2);
        expect(await store.createLink('full', full, { now: T })).toBe(true);
        expect((await store.readLink('full', T))?.data).toBe(full);
        const refused = { name: 'BotflowError', code: 'store.bad-link' };
        await expect(store.createLink('over', `${full}x`, { now: T })).rejects.toMatchObject(refused);
        await expect(store.createLink('a b', 'x', { now: T })).rejects.toMatchObject(refused);
        await expect(store.createLink('x'.repeat(65), 'x', { now: T })).rejects.toMatchObject(refused);
        await expect(store.createLink('past', 'x', { now: T, expiresAt: T })).rejects.toMatchObject(refused);
        expect(await store.readLink('over', T)).toBeUndefined();
      });
    });

    it('round-trips unicode in keys and data', async () => {
      const store = await open();
      const data = '{"name":"Zoë 李雷 🤖","note":"ё\\u0000\\n\\t"}\u2028';
      await store.put('чат:42:😀', data, undefined);
      expect(await store.get('чат:42:😀')).toMatchObject({ data, version: 1 });
    });

    it('lists each conversation with the summary of its last turn, oldest update first', async () => {
      const store = await open();
      const before = Date.now();
      await store.put('a', 'A1', undefined, waiting('ask-name', { begins: true }));
      await pause(5);
      await store.put('b', 'B1', undefined, waiting('ask-name', { begins: true, channel: 'vk' }));
      await pause(5);
      await store.put('a', 'A2', 1, {
        ...waiting('done'),
        status: 'ended',
        result: 'lead',
      });
      const [b, a] = await listed(store);
      expect(b).toMatchObject({ key: 'b', data: 'B1', channel: 'vk', status: 'waiting', block: 'ask-name' });
      expect(a).toMatchObject({
        key: 'a',
        data: 'A2',
        channel: 'telegram',
        status: 'ended',
        block: 'done',
        result: 'lead',
      });
      // Started when its first turn began; updated by the last one.
      expect(a?.started).toBeGreaterThanOrEqual(before);
      expect(a?.updated).toBeGreaterThan(a?.started ?? Infinity);
      expect(a?.updated).toBe((await store.get('a'))?.writtenAt);
    });

    it('starts the clock again when a turn begins the conversation anew, and keeps the summary of a write without one', async () => {
      const store = await open();
      await store.put('k', 'one', undefined, waiting('ask', { begins: true }));
      const [first] = await listed(store);
      await pause(5);
      await store.put('k', 'marks only', 1);
      const [kept] = await listed(store);
      expect(kept).toMatchObject({
        data: 'marks only',
        status: 'waiting',
        block: 'ask',
        started: first?.started,
      });
      await store.put('k', 'again', 2, waiting('ask', { begins: true }));
      const [restarted] = await listed(store);
      expect(restarted?.started).toBeGreaterThan(first?.started ?? Infinity);
    });

    it('lists a conversation written without a summary with its summary fields empty', async () => {
      const store = await open();
      await store.put('old', 'x', undefined);
      expect(await listed(store)).toMatchObject([
        { key: 'old', data: 'x', started: null, channel: null, status: null, block: null, result: null },
      ]);
    });

    it('filters by update time and status', async () => {
      const store = await open();
      await store.put('early', 'e', undefined, waiting('ask'));
      await pause(5);
      const middle = Date.now();
      await store.put('ended', 'n', undefined, { ...waiting('done'), status: 'ended' });
      await store.put('error', 'r', undefined, { ...waiting('ask'), status: 'error' });
      await pause(5);
      const late = Date.now();
      await store.put('late', 'l', undefined, waiting('ask'));
      const keys = async (filter: ListFilter) => (await listed(store, filter)).map(({ key }) => key).sort();
      expect(await keys({ since: middle })).toEqual(['ended', 'error', 'late']);
      expect(await keys({ until: middle })).toEqual(['early']);
      expect(await keys({ since: middle, until: late })).toEqual(['ended', 'error']);
      expect(await keys({ status: 'waiting' })).toEqual(['early', 'late']);
      expect(await keys({ status: 'ended', since: middle })).toEqual(['ended']);
    });

    it('lists more conversations than a page holds, each once, in order of update', async () => {
      const store = await open();
      const count = 1234;
      for (let start = 0; start < count; start += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, count - start) }, (_, i) =>
            store.put(`c${start + i}`, 'x', undefined, waiting('ask')),
          ),
        );
      }
      const all = await listed(store);
      expect(all).toHaveLength(count);
      expect(new Set(all.map(({ key }) => key)).size).toBe(count);
      const times = all.map(({ updated }) => updated);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it('no longer lists a deleted or expired conversation', async () => {
      const store = await open({ ttlMs: 50 });
      await store.put('gone', 'x', undefined, waiting('ask'));
      await store.put('deleted', 'x', undefined, waiting('ask'));
      await store.delete('deleted');
      expect((await listed(store)).map(({ key }) => key)).toEqual(['gone']);
      await pause(150);
      expect(await listed(store)).toEqual([]);
      // Expired entries pruned by the listing do not hide a conversation written again.
      await store.put('gone', 'back', undefined, waiting('ask'));
      expect(await listed(store)).toMatchObject([{ key: 'gone', data: 'back' }]);
    });

    it('adds funnel counts with the write that carries them, and none for a write that lost', async () => {
      const store = await open();
      const counts = [
        { block: 'ask', edge: '', count: 1 },
        { block: 'ask', edge: 'next', count: 2 },
      ];
      await store.put('k', 'one', undefined, waiting('ask', { counts }));
      // A lost compare-and-set: nothing of it is kept, its counts neither.
      expect(await store.put('k', 'stale', 0, waiting('ask', { counts }))).toBeUndefined();
      expect(await store.put('k', 'again', undefined, waiting('ask', { counts }))).toBeUndefined();
      await store.put(
        'other',
        'x',
        undefined,
        waiting('done', { counts: [{ block: 'done', edge: '', count: 1 }] }),
      );
      expect(await counters(store)).toEqual({ ask: 1, 'ask next': 2, done: 1 });
    });

    it('adds a turn’s many funnel counts at once', async () => {
      const store = await open();
      const counts = Array.from({ length: 150 }, (_, i) => ({
        block: `b${i}`,
        edge: i % 2 === 0 ? '' : 'next',
        count: i + 1,
      }));
      await store.put('k', 'one', undefined, waiting('ask', { counts }));
      await store.put('k', 'two', 1, waiting('ask', { counts }));
      const added = await counters(store);
      expect(Object.keys(added)).toHaveLength(150);
      expect(added.b0).toBe(2);
      expect(added['b149 next']).toBe(300);
    });

    it('adds the funnel counts of many turns written at once, each naming its own counters', async () => {
      const store = await open();
      const blocks = Array.from({ length: 100 }, (_, i) => ({ block: `b${i}`, edge: '', count: 1 }));
      // Turns of different paths share some counters, each turn listing them in its own order: a
      // store that takes them in an order of the turn's can deadlock two turns, each holding a
      // counter the other waits for.
      const turns = Array.from({ length: 100 }, (_, i) => {
        const some = blocks.filter((_, j) => (i * j) % 7 < 4);
        return i % 2 === 0 ? some : some.reverse();
      });
      await Promise.all(
        turns.map((counts, i) => store.put(`k${i}`, 'x', undefined, waiting('ask', { counts }))),
      );
      const expected = new Map<string, number>();
      for (const counts of turns) {
        for (const { block } of counts) expected.set(block, (expected.get(block) ?? 0) + 1);
      }
      expect(await counters(store)).toEqual(Object.fromEntries(expected));
    });

    it('purges ended and failed conversations last written before a time, and nothing else', async () => {
      const store = await open();
      await store.put('ended-old', 'x', undefined, { ...waiting('done'), status: 'ended' });
      await store.put('error-old', 'x', undefined, { ...waiting('ask'), status: 'error' });
      await store.put('waiting-old', 'x', undefined, waiting('ask'));
      await store.put('unknown-old', 'x', undefined);
      await pause(5);
      const cut = Date.now();
      await pause(5);
      await store.put('ended-new', 'x', undefined, { ...waiting('done'), status: 'ended' });
      expect(await store.purgeEnded(cut)).toBe(2);
      expect((await listed(store)).map(({ key }) => key).sort()).toEqual([
        'ended-new',
        'unknown-old',
        'waiting-old',
      ]);
      expect(await store.get('ended-old')).toBeUndefined();
      expect(await store.put('ended-old', 'fresh', undefined, waiting('ask'))).toBe(1);
      expect(await store.purgeEnded(cut)).toBe(0);
    });
  });
}
