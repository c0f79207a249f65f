import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cluster } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { BotflowError, RedisStore, type Bot } from '../../engine/index.js';
import { CLUSTER_SHARDS, KeyLayout } from '../../engine/store/redis-keys.js';
import { botOf, COLLECTOR } from '../support/scripts.js';
import { describeStore } from './conformance.js';
import { commandsSent } from './monitor.js';
import { RedisCluster } from './redis-cluster.js';

// Started while the file loads: a missing redis-server or redis-cli fails the file instead of skipping it.
const cluster = await RedisCluster.start();
afterAll(async () => {
  await cluster.dispose();
});

const freshPrefixes = () => {
  const prefix = `test:${randomUUID()}:`;
  return { keyPrefix: `${prefix}conv:`, linkPrefix: `${prefix}link:` };
};

// Every script of the store touches one slot, or the cluster refuses it with CROSSSLOT: the
// conformance suite runs every one of them.
describeStore(
  'RedisStore on Redis Cluster',
  (options = {}) => new RedisStore(cluster.url, { ...options, ...freshPrefixes() }),
);

/** The items of a COLLECTOR conversation's log. */
async function logOf(bot: Bot, key: string): Promise<string[]> {
  const log = (await bot.conversation(key))?.variables.log;
  return typeof log === 'string' ? log.split(',').slice(0, -1) : [];
}

describe('RedisStore key layout on Redis Cluster', () => {
  it("keeps a conversation's record, lock, index and funnel in one slot, its shard's", async () => {
    const { keyPrefix, linkPrefix } = freshPrefixes();
    const layout = new KeyLayout(keyPrefix, linkPrefix, true);
    for (const key of ['telegram:1', 'web:{odd}key', 'k']) {
      const shard = layout.shardOf(key);
      const names = [layout.record(key), layout.lock(key), shard.index, shard.funnel];
      expect(new Set(await Promise.all(names.map((name) => cluster.slotOf(name)))).size).toBe(1);
      const links = [shard.links + key, shard.linkIndex];
      expect(new Set(await Promise.all(links.map((name) => cluster.slotOf(name)))).size).toBe(1);
    }
  });

  it('spreads the shards evenly over three masters, and conversations evenly over the shards', async () => {
    const layout = new KeyLayout('botflow:conv:', 'botflow:link:', true);
    const masters = await Promise.all(layout.shards.map((shard) => cluster.masterOf(shard.index)));
    const perMaster = [...new Set(masters)].map((port) => masters.filter((one) => one === port).length);
    expect(perMaster).toEqual([CLUSTER_SHARDS / 3, CLUSTER_SHARDS / 3, CLUSTER_SHARDS / 3]);
    const perShard = new Map<string, number>();
    for (let i = 0; i < 48_000; i++) {
      const { index } = layout.shardOf(`telegram:${100_000_000 + i}`);
      perShard.set(index, (perShard.get(index) ?? 0) + 1);
    }
    expect(perShard.size).toBe(CLUSTER_SHARDS);
    // 1,000 a shard on average; a fair hash stays well within 15 %.
    for (const count of perShard.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('refuses a prefix with a brace, which would move its hash tag, in one sentence', () => {
    expect(() => new RedisStore(cluster.url, { keyPrefix: 'bot{1}:' })).toThrow(
      new BotflowError(
        'store.bad-option',
        'a Redis Cluster key prefix cannot hold "{" or "}": the store puts its own hash tag after it',
      ),
    );
  });

  it('refuses a cluster URL whose nodes are not host:port, without quoting it', () => {
    const error: unknown = (() => {
      try {
        return new RedisStore('redis+cluster://user:s3cret@10.0.0.1,10.0.0.2:7000');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toMatchObject({ code: 'store.bad-option' });
    expect((error as Error).message).toBe(
      'the Redis Cluster URL must list its nodes as host:port, separated by commas, as in redis+cluster://10.0.0.1:7000,10.0.0.2:7000',
    );
  });

  it('works on a Cluster connection the caller passes in, which it leaves open', async () => {
    const connection = new Cluster([{ host: '127.0.0.1', port: cluster.ports[0] ?? 0 }]);
    const store = new RedisStore(connection, freshPrefixes());
    expect(await store.put('k', 'x', undefined)).toBe(1);
    await store.close();
    expect(await connection.ping()).toBe('PONG');
    await connection.quit();
  });
});

describe('RedisStore turns on Redis Cluster', () => {
  it('runs a turn in two round trips, each to the master of its shard', async () => {
    const prefixes = freshPrefixes();
    const store = new RedisStore(cluster.url, prefixes);
    const bot = botOf(COLLECTOR, { store });
    try {
      await bot.start('k');
      const masters = (await cluster.nodes()).filter((node) => node.master).map((node) => node.port);
      const sent = await commandsSent(masters, prefixes.keyPrefix, () => bot.send('k', 'x'));
      expect(sent).toEqual(['evalsha', 'evalsha']);
    } finally {
      await store.close();
    }
  });
});

/**
 * Runs 24 conversations, each sent message after message from two processes in turn on `url`,
 * has `disrupt` strike the master of the first one's shard mid-run, and checks that every
 * acknowledged turn is stored, in order, and that every conversation goes on afterwards.
 */
async function keepsAcknowledgedTurns(
  url: string,
  disrupt: (master: number) => Promise<void>,
): Promise<void> {
  const prefixes = freshPrefixes();
  const stores = [new RedisStore(url, prefixes), new RedisStore(url, prefixes)];
  const [first, second] = stores.map((store) => botOf(COLLECTOR, { store })) as [Bot, Bot];
  const keys = Array.from({ length: 24 }, (_, i) => `chat:${i}`);
  try {
    for (const key of keys) await first.start(key);
    const acknowledged = new Map(keys.map((key) => [key, [] as string[]]));
    let failures = 0;
    let running = true;
    const conversations = keys.map(async (key) => {
      for (let round = 0; running || round < 5; round++) {
        const item = `${key}-${round}`;
        try {
          await (round % 2 === 0 ? first : second).send(key, item);
          acknowledged.get(key)?.push(item);
        } catch {
          // Not acknowledged (the store was unreachable, or could not confirm the write).
          failures += 1;
        }
      }
    });
    await sleep(500);
    const layout = new KeyLayout(prefixes.keyPrefix, prefixes.linkPrefix, true);
    await disrupt(await cluster.masterOf(layout.record(keys[0] ?? '')));
    await sleep(500);
    running = false;
    await Promise.all(conversations);

    for (const key of keys) {
      const log = await logOf(first, key);
      const mine = acknowledged.get(key) ?? [];
      // Every acknowledged turn is stored, in order; a failed one at most adds its own item.
      expect(log.filter((item) => mine.includes(item))).toEqual(mine);
      expect(log.length - mine.length).toBeLessThanOrEqual(failures);
      await first.send(key, 'after');
      expect((await logOf(first, key)).at(-1)).toBe('after');
    }
    const turns = [...acknowledged.values()].reduce((sum, items) => sum + items.length, 0);
    expect(turns).toBeGreaterThan(keys.length * 5);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

describe('RedisStore waiting for a replica (?wait=1)', () => {
  it('does not acknowledge a write no replica has within a second: store.uncertain', async () => {
    const prefixes = freshPrefixes();
    const waiting = new RedisStore(`${cluster.url}/?wait=1`, prefixes);
    const plain = new RedisStore(cluster.url, prefixes);
    const record = new KeyLayout(prefixes.keyPrefix, prefixes.linkPrefix, true).record('k');
    try {
      // Connected first: a client that meets the frozen node while it learns the slots waits on it.
      await Promise.all([waiting.get('k'), plain.get('k')]);
      const thaw = await cluster.freezeReplicaOf(await cluster.masterOf(record));
      try {
        await expect(waiting.put('k', 'x', undefined)).rejects.toMatchObject({
          code: 'store.uncertain',
          message: expect.stringContaining('but not the 1 replica(s) it waits for within 1000 ms') as unknown,
        });
        // Applied on the master all the same; a store that does not wait acknowledges at once.
        expect(await plain.put('k', 'y', 1)).toBe(2);
      } finally {
        thaw();
      }
      // The replica catches up: writes are acknowledged again.
      expect(await waiting.put('k', 'z', 2)).toBe(3);
    } finally {
      await Promise.all([waiting.close(), plain.close()]);
    }
  });

  it('refuses a wait that is not a number, in one sentence', () => {
    expect(() => new RedisStore(`${cluster.url}?wait=all`)).toThrow(
      'the wait in the Redis URL must be a number of replicas, as in ?wait=1',
    );
  });
});

describe('RedisStore on a Redis Cluster whose master fails', () => {
  it('keeps every acknowledged turn when a master hands over mid-run, and the conversations go on', async () => {
    await keepsAcknowledgedTurns(cluster.url, (master) => cluster.failover(master));
  });

  it('keeps every acknowledged turn waited for by a replica (?wait=1) when a master is killed mid-run', async () => {
    await keepsAcknowledgedTurns(`${cluster.url}/?wait=1`, async (master) => {
      await cluster.crash(master);
      // Until the killed node is back as the new master's replica, no write there can wait for one.
      await cluster.restart(master);
    });
  }, 60_000);
});
