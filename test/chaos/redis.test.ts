import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisStore } from '../../engine/index.js';
import { DEFAULT_LOCK_TTL_MS, DEFAULT_READ_BACK_MS } from '../../engine/store/redis.js';
import { Ledger } from './ledger.js';
import { ServeProcess } from '../support/serve-process.js';
import { RedisServer } from '../store/redis-server.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';

// Started while the file loads: a missing redis-server fails the file instead of skipping it.
// Durable, so what Redis acknowledged before it is stopped is still there once it starts again.
const redis = await RedisServer.start({ durable: true });
afterAll(async () => {
  await redis.dispose();
});

const COMMAND_TIMEOUT_MS = RedisStore.connectionOptions.commandTimeout;

/** A stall of Redis longer than its command timeout, and shorter than the lock ttl. */
const STALL_MS = 2 * COMMAND_TIMEOUT_MS;
/**
 * How long after Redis is back the conversations must answer again. At worst a turn waits for one
 * in flight when Redis came back: its write times out, and is read back for DEFAULT_READ_BACK_MS,
 * whose last try can wait a command timeout too. A few seconds more for a loaded machine: still
 * well below the lock ttl that a lock left behind would hold its conversation for.
 */
const RECOVERY_MS = 2 * COMMAND_TIMEOUT_MS + DEFAULT_READ_BACK_MS + 5000;

/** Sends one message (with an id) to each conversation; each must be applied within RECOVERY_MS. */
async function expectAnswering(ledger: Ledger, serving: ServeProcess, keys: readonly string[], item: string) {
  const since = Date.now();
  const deadline = since + RECOVERY_MS;
  await Promise.all(
    keys.map(async (key) => {
      let fate = await ledger.send(serving, key, item, `${key}/${item}`);
      // Refused while the connection comes back (store.unavailable): nothing applied, so send again.
      while (fate === 'refused' && Date.now() < deadline) {
        await sleep(100);
        fate = await ledger.send(serving, key, item, `${key}/${item}`);
      }
      expect(fate, `${key} answered ${item}`).toBe('applied');
      expect(Date.now() - since, `ms until ${key} answered ${item}`).toBeLessThan(RECOVERY_MS);
    }),
  );
}

describe('two serve processes under load while Redis stalls and restarts', () => {
  it(
    'apply every acknowledged message exactly once, and hold no lock past the stall',
    { timeout: 90_000 },
    async () => {
      // Else the bound could not tell a recovery from a lock left behind.
      expect(RECOVERY_MS).toBeLessThan(DEFAULT_LOCK_TTL_MS);
      const store = ['--store', redis.url];
      const processes = await Promise.all([
        ServeProcess.start(COLLECTOR, store),
        ServeProcess.start(COLLECTOR, store),
      ]);
      const [one, two] = processes;
      const keys = Array.from({ length: 12 }, (_, i) => `chaos${i}`);
      for (const key of keys) expect((await one.post(`/conversations/${key}/start`, {})).status).toBe(200);

      const ledger = new Ledger();
      let running = true;
      const load = ledger.sendAll(
        keys,
        (index) => processes[index % 2] ?? one,
        () => running,
      );

      try {
        await sleep(1000);
        await redis.freezeFor(STALL_MS);
        await expectAnswering(ledger, two, keys, 'after-stall');

        await sleep(1000);
        await redis.stop();
        await sleep(1500);
        await redis.start();
        await expectAnswering(ledger, one, keys, 'after-restart');
        await sleep(1000);
      } finally {
        // Also when an expectation failed: the senders would otherwise go on against dead ports.
        running = false;
        await load;
      }

      // Every turn has ended: a lock still in Redis would be one nobody gives back.
      const admin = new Redis(redis.url);
      await vi.waitFor(
        async () => {
          expect(await admin.keys('lock:*')).toEqual([]);
        },
        { timeout: 5000 },
      );
      await admin.quit();

      for (const key of keys) {
        const { body } = await two.get(`/conversations/${key}`);
        ledger.expectLogMatches(key, (body.variables as { log: string }).log);
      }
      // The load went on around the stall and the restart, not just before them.
      expect(ledger.counts().applied, JSON.stringify(ledger.counts())).toBeGreaterThan(keys.length * 4);
      expect(await Promise.all([one.stop(), two.stop()])).toEqual([0, 0]);
    },
  );
});
