import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createBot,
  MemoryStore,
  readFunnel,
  SqliteStore,
  type ReportingStore,
  type SessionStore,
  type TurnSummary,
} from '../../engine/index.js';
import { scriptOf, SIGN_UP } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-funnel-');
let files = 0;
const opened: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const stores: Record<string, () => ReportingStore> = {
  MemoryStore: () => new MemoryStore(),
  SqliteStore: () => {
    const store = new SqliteStore(join(temp.root, `funnel-${++files}.db`));
    opened.push(store);
    return store;
  },
};

describe.each(Object.entries(stores))('the funnel on a %s', (_, makeStore) => {
  it('counts each block entered and way out taken, and where conversations stopped', async () => {
    const store = makeStore();
    const script = scriptOf(SIGN_UP);
    const bot = createBot({ script, store });
    for (const key of ['a', 'b', 'c']) await bot.start(key);
    await bot.send('a', 'Pro');
    await bot.send('b', 'Basic');
    const funnel = await readFunnel(store, script);
    expect(funnel).toMatchObject({
      conversations: 3,
      stopped: { waiting: 1, ended: 2, error: 0 },
      retired: [],
    });
    expect(funnel.blocks).toEqual([
      {
        id: 'pick',
        type: 'ask',
        entered: 3,
        stopped: { waiting: 1, ended: 0, error: 0 },
        dropOff: 33.3,
        // Which choice was picked is a branch too, with no edge of its own in the graph.
        edges: [
          { edge: 'next', target: 'route', taken: 2 },
          { edge: 'choices[0]', target: null, taken: 1 },
          { edge: 'choices[1]', target: null, taken: 1 },
        ],
      },
      {
        id: 'route',
        type: 'condition',
        entered: 2,
        stopped: { waiting: 0, ended: 0, error: 0 },
        dropOff: 0,
        edges: [
          { edge: 'branches[0].next', target: 'pro', taken: 1 },
          { edge: 'else', target: 'basic', taken: 1 },
        ],
      },
      {
        id: 'pro',
        type: 'end',
        entered: 1,
        stopped: { waiting: 0, ended: 1, error: 0 },
        dropOff: 0,
        edges: [],
      },
      {
        id: 'basic',
        type: 'end',
        entered: 1,
        stopped: { waiting: 0, ended: 1, error: 0 },
        dropOff: 0,
        edges: [],
      },
    ]);
  });

  it('counts a turn run again after a lost compare-and-set once', async () => {
    const store = makeStore();
    const script = scriptOf(SIGN_UP);
    await createBot({ script, store }).start('k');
    // Another process writes the conversation between this turn's read and its write, once.
    let raced = false;
    const racing: SessionStore = {
      get: (key) => store.get(key),
      delete: (key) => store.delete(key),
      put: async (key, data, expected, summary) => {
        if (!raced && expected !== undefined) {
          raced = true;
          const current = await store.get(key);
          await store.put(key, current?.data ?? '', expected);
        }
        return store.put(key, data, expected, summary);
      },
    };
    const reporting = Object.assign(racing, {
      conversations: store.conversations.bind(store),
      funnelCounts: store.funnelCounts.bind(store),
      purgeEnded: store.purgeEnded.bind(store),
    });
    const turn = await createBot({ script, store: reporting }).send('k', 'Pro');
    expect(raced).toBe(true);
    expect(turn).toMatchObject({ status: 'ended', block: 'pro' });
    const funnel = await readFunnel(store, script);
    expect(funnel.blocks.map(({ id, entered }) => [id, entered])).toEqual([
      ['pick', 1],
      ['route', 1],
      ['pro', 1],
      ['basic', 0],
    ]);
  });

  it('counts nothing with funnel: false', async () => {
    const store = makeStore();
    const bot = createBot({ script: scriptOf(SIGN_UP), store, funnel: false });
    await bot.start('k');
    expect(await store.funnelCounts()).toEqual([]);
    // The listing still knows where the conversation stands.
    expect((await readFunnel(store)).stopped).toEqual({ waiting: 1, ended: 0, error: 0 });
  });

  it('lists blocks an earlier version counted, and the new version no longer has, apart', async () => {
    const store = makeStore();
    await createBot({ script: scriptOf(SIGN_UP), store }).start('k');
    const renamed = scriptOf(SIGN_UP.replaceAll('pick', 'choose'));
    const funnel = await readFunnel(store, renamed);
    expect(funnel.blocks.find(({ id }) => id === 'choose')).toMatchObject({ entered: 0 });
    expect(funnel.retired).toEqual([
      {
        id: 'pick',
        type: null,
        entered: 1,
        stopped: { waiting: 1, ended: 0, error: 0 },
        dropOff: 100,
        edges: [],
      },
    ]);
  });
});

describe('a store of a third party, without reports', () => {
  it('runs turns as before: put gets the summary as a fourth argument it may ignore', async () => {
    const records = new Map<string, { data: string; version: number; writtenAt: number }>();
    const summaries: (TurnSummary | undefined)[] = [];
    const plain: SessionStore = {
      get: (key) => Promise.resolve(records.get(key)),
      delete: (key) => Promise.resolve(void records.delete(key)),
      put: (key, data, expected, summary) => {
        summaries.push(summary);
        if (records.get(key)?.version !== expected) return Promise.resolve(undefined);
        const version = (expected ?? 0) + 1;
        records.set(key, { data, version, writtenAt: Date.now() });
        return Promise.resolve(version);
      },
    };
    const bot = createBot({ script: scriptOf(SIGN_UP), store: plain });
    await bot.start('k', { channel: 'vk' });
    expect(await bot.send('k', 'Basic')).toMatchObject({ status: 'ended', result: 'basic' });
    // No funnel to count in: the turns trace nothing for it.
    expect(summaries).toEqual([
      { channel: 'vk', status: 'waiting', block: 'pick', result: null, begins: true, counts: [] },
      { channel: 'vk', status: 'ended', block: 'basic', result: 'basic', begins: false, counts: [] },
    ]);
  });
});
