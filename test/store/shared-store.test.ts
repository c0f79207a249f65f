import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  ConversationBusyError,
  MemoryStore,
  PostgresStore,
  RedisStore,
  type SessionStore,
  type StoredRecord,
  type Unlock,
} from '../../engine/index.js';
import { botOf, COLLECTOR } from '../support/scripts.js';
import { freshPrefix, PostgresServer } from './postgres-server.js';
import { RedisCluster } from './redis-cluster.js';
import { RedisServer } from './redis-server.js';

// Started while the file loads: a missing server fails the file instead of skipping it.
const server = await RedisServer.start();
const postgres = await PostgresServer.start();
const cluster = await RedisCluster.start();
afterAll(async () => {
  await Promise.all([server.dispose(), postgres.dispose(), cluster.dispose()]);
});

interface LockOptions {
  lockTtlMs?: number;
  lockWaitMs?: number;
}

/** A store several processes share, as one of them opens it. */
type SharedStore = SessionStore & { lock(key: string): Promise<Unlock>; close(): Promise<void> };

/** Opens the shared store `namespace` names, as one process would. */
type OpenShared = (namespace: string, options: LockOptions) => SharedStore;

const SHARED_STORES: readonly (readonly [string, OpenShared])[] = [
  [
    'Redis',
    (namespace, options) => new RedisStore(server.url, { keyPrefix: `test:${namespace}:`, ...options }),
  ],
  [
    'PostgreSQL',
    (namespace, options) => new PostgresStore(postgres.url, { tablePrefix: namespace, ...options }),
  ],
  [
    'Redis Cluster',
    (namespace, options) => new RedisStore(cluster.url, { keyPrefix: `test:${namespace}:`, ...options }),
  ],
];

/** Two connections to one Redis with one prefix: what two engine processes share. */
function twoProcesses(options: LockOptions = {}): [RedisStore, RedisStore] {
  const keyPrefix = `test:${randomUUID()}:`;
  return [
    new RedisStore(server.url, { keyPrefix, ...options }),
    new RedisStore(server.url, { keyPrefix, ...options }),
  ];
}

describe.each(SHARED_STORES)('the %s lock', (_, openShared) => {
  /** Stores opened now on one fresh namespace, one per process. */
  const processes = (count: number, options: LockOptions = {}) => {
    const namespace = freshPrefix();
    return Array.from({ length: count }, () => openShared(namespace, options));
  };

  it('makes a second holder wait until the first gives the conversation back', async () => {
    const [one, two] = processes(2) as [SharedStore, SharedStore];
    const unlockOne = await one.lock('k');
    const order: string[] = [];
    const second = two.lock('k').then((unlock) => {
      order.push('two holds');
      return unlock;
    });
    await sleep(50);
    order.push('one gives back');
    await unlockOne();
    await (
      await second
    )();
    expect(order).toEqual(['one gives back', 'two holds']);
    await Promise.all([one.close(), two.close()]);
  });

  it('fails with conversation.busy when the hold outlasts the wait', async () => {
    const [one, two] = processes(2, { lockWaitMs: 100 }) as [SharedStore, SharedStore];
    const unlock = await one.lock('k');
    const error: unknown = await two.lock('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConversationBusyError);
    expect(error).toMatchObject({
      code: 'conversation.busy',
      message: 'conversation "k" is busy: another turn held it for 100 ms; try again',
    });
    await unlock();
    await (
      await two.lock('k')
    )();
    await Promise.all([one.close(), two.close()]);
  });

  it('keeps a hold past its ttl while the turn runs, and lets one lapse whose holder is gone', async () => {
    const [one, two] = processes(2, { lockTtlMs: 150, lockWaitMs: 0 }) as [SharedStore, SharedStore];
    const unlock = await one.lock('k');
    await sleep(400); // more than twice the ttl: only renewal keeps the hold
    await expect(two.lock('k')).rejects.toBeInstanceOf(ConversationBusyError);
    await unlock();

    // A holder that dies never gives the lock back; its ttl frees the conversation.
    const namespace = freshPrefix();
    const dying = openShared(namespace, { lockTtlMs: 150 });
    await dying.lock('k');
    await dying.close(); // the connection closes; the process's renewal timer no longer reaches the store
    const survivor = openShared(namespace, { lockTtlMs: 150, lockWaitMs: 5000 });
    await (
      await survivor.lock('k')
    )();
    await Promise.all([one.close(), two.close(), survivor.close()]);
  });

  it('lets two bots apply every message to one conversation once, in an order each sender kept', async () => {
    const [storeA, storeB] = processes(2) as [SharedStore, SharedStore];
    const a = botOf(COLLECTOR, { store: storeA });
    const b = botOf(COLLECTOR, { store: storeB });
    await a.start('k');
    const fromA = Array.from({ length: 20 }, (_, i) => `a${i}`);
    const fromB = Array.from({ length: 20 }, (_, i) => `b${i}`);
    await Promise.all([
      Promise.all(fromA.map((item) => a.send('k', item))),
      Promise.all(fromB.map((item) => b.send('k', item))),
    ]);
    const log = ((await a.conversation('k'))?.variables.log as string).split(',').slice(0, -1);
    expect([...log].sort()).toEqual([...fromA, ...fromB].sort());
    // Each bot queues its own messages in order; the lock only interleaves the two queues.
    expect(log.filter((item) => item.startsWith('a'))).toEqual(fromA);
    expect(log.filter((item) => item.startsWith('b'))).toEqual(fromB);
    await Promise.all([storeA.close(), storeB.close()]);
  });
});

describe('the RedisStore lock after Redis stalls or restarts', () => {
  // The command timeout is 2 s, the lock's ttl 30 s: a lock left behind by the stall would make
  // the other process's turn fail after its 8 s wait.
  /** Two processes connected before Redis stalls (a connection made during a stall fails on its own). */
  async function connectedProcesses(): Promise<[RedisStore, RedisStore]> {
    const stores = twoProcesses({ lockWaitMs: 8000 });
    await Promise.all(stores.map((store) => store.get('k')));
    return stores;
  }

  it('gives back a lock whose take timed out, once Redis answers', async () => {
    const [one, two] = await connectedProcesses();
    const frozen = server.freezeFor(3000);
    await expect(one.lock('k')).rejects.toMatchObject({ code: 'store.unavailable' });
    await frozen;
    await (
      await two.lock('k')
    )();
    await Promise.all([one.close(), two.close()]);
  });

  it('gives back a lock whose unlock failed, once Redis is back', async () => {
    const [one, two] = await connectedProcesses();
    const unlock = await one.lock('k');
    // Redis restarts with its snapshot, the held lock in it: the unlock in between never arrives.
    await server.save();
    await server.stop();
    // As the bot does: a hold that cannot be given back is not the turn's failure.
    await unlock().catch(() => undefined);
    await server.start();
    await vi.waitFor(() => two.get('k'), { timeout: 5000, interval: 100 });
    await (
      await two.lock('k')
    )();
    await Promise.all([one.close(), two.close()]);
  });
});

describe('two bots sharing one store', () => {
  it('run a turn again on the newer state when a write without a lock lost the race', async () => {
    // A store with no lock whose reads lag, so two bots read the same version and race to write.
    const shared = new MemoryStore();
    const lagging: SessionStore = {
      get: async (key): Promise<StoredRecord | undefined> => {
        const record = await shared.get(key);
        await sleep(5);
        return record;
      },
      put: (key, data, expected) => shared.put(key, data, expected),
      delete: (key) => shared.delete(key),
    };
    const a = botOf(COLLECTOR, { store: lagging });
    const b = botOf(COLLECTOR, { store: lagging });
    await a.start('k');
    const [turnA, turnB] = await Promise.all([a.send('k', 'x'), b.send('k', 'y')]);
    const log = (await a.conversation('k'))?.variables.log;
    expect(['x,y,', 'y,x,']).toContain(log);
    expect([turnA.variables.log, turnB.variables.log].sort()).toEqual(
      log === 'x,y,' ? ['x,', 'x,y,'] : ['y,', 'y,x,'],
    );
    expect((await shared.get('k'))?.version).toBe(3);
  });
});
