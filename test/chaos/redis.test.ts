import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ServeProcess } from '../serve/serve-process.js';
import { RedisServer } from '../store/redis-server.js';
import { Ledger } from './ledger.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';

// Started while the file loads: a missing redis-server fails the file instead of skipping it.
// Durable, so what Redis acknowledged before it is stopped is still there once it starts again.
const redis = await RedisServer.start({ durable: true });
afterAll(async () => {
  await redis.dispose();
});

/** A stall of Redis longer than its 2 s command timeout, and shorter than the 30 s lock ttl. */
const STALL_MS = 4000;
/**
 * How long after Redis is back the conversations must answer again: the stall's leftovers clear
 * within a few seconds, where a lock left behind would hold its conversation for 30 s.
 */
const RECOVERY_MS = 10_000;

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

      await sleep(1000);
      await redis.freezeFor(STALL_MS);
      await expectAnswering(ledger, two, keys, 'after-stall');

      await sleep(1000);
      await redis.stop();
      await sleep(1500);
      await redis.start();
      await expectAnswering(ledger, one, keys, 'after-restart');
      await sleep(1000);
      running = false;
      await load;

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
