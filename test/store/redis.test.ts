import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { RedisStore, StoreUncertainError, StoreUnavailableError } from '../../engine/index.js';
import { botOf, COLLECTOR } from '../support/scripts.js';
import { AnswerProxy } from './answer-proxy.js';
import { describeStore } from './conformance.js';
import { commandsSent } from './monitor.js';
import { RedisServer } from './redis-server.js';

// Started while the file loads, not in beforeAll: a missing redis-server then fails the file
// outright (counted as failed), where a failing hook would only mark its tests skipped.
const server = await RedisServer.start();
afterAll(async () => {
  await server.dispose();
});

// Fresh key prefixes per store keep every test's keys absent without flushing the server.
const freshStore = (options: { ttlMs?: number; readBackMs?: number } = {}) => {
  const prefix = `test:${randomUUID()}:`;
  return new RedisStore(server.url, {
    ...options,
    keyPrefix: `${prefix}conv:`,
    linkPrefix: `${prefix}link:`,
  });
};

describeStore('RedisStore', freshStore);

describe('RedisStore against a live server', () => {
  it('keeps the index and the funnel under its key prefix', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const store = new RedisStore(server.url, { keyPrefix });
    const admin = new Redis(server.url);
    try {
      const before = await admin.dbsize();
      await store.put('k', 'x', undefined, {
        channel: 'vk',
        status: 'ended',
        block: 'done',
        result: 'ok',
        begins: true,
        counts: [{ block: 'done', edge: '', count: 1 }],
      });
      const keys = await admin.keys(`${keyPrefix}*`);
      expect(keys.sort()).toEqual([`${keyPrefix}\u0000funnel`, `${keyPrefix}\u0000updated`, `${keyPrefix}k`]);
      expect(await admin.dbsize()).toBe(before + keys.length);
      expect(await store.purgeEnded(Date.now() + 1)).toBe(1);
      expect(await admin.exists(`${keyPrefix}k`, `${keyPrefix}\u0000updated`)).toBe(0);
    } finally {
      await store.close();
      await admin.quit();
    }
  });

  it('lets one of two connections win a write on the same version', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const one = new RedisStore(server.url, { keyPrefix });
    const two = new RedisStore(server.url, { keyPrefix });
    await one.put('k', 'start', undefined);
    const results = await Promise.all([one.put('k', 'one', 1), two.put('k', 'two', 1)]);
    expect(results.filter((version) => version === 2)).toHaveLength(1);
    await Promise.all([one.close(), two.close()]);
  });

  it('fails with store.unavailable while the server is down, and works again once it is back', async () => {
    const store = freshStore();
    await store.put('k', 'before', undefined);
    // Snapshot, so the restarted server holds what was stored before the stop.
    await server.save();
    await server.stop();

    const down = { name: 'StoreUnavailableError', code: 'store.unavailable' };
    // The client hears of the stop in its own time: a write sent before it did may have left
    // (StoreUncertainError, rightly), so the write waits until a read says the store is down.
    await vi.waitFor(() => expect(store.get('k')).rejects.toMatchObject(down), {
      timeout: 5000,
      interval: 100,
    });
    await expect(store.put('k', 'during', 1)).rejects.toMatchObject(down);
    const error: unknown = await store.delete('k').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toBe(`cannot reach the session store at ${server.url}`);

    await server.start();
    const record = await vi.waitFor(() => store.get('k'), { timeout: 5000, interval: 100 });
    // Nothing half-written: the put made while the server was down did not apply.
    expect(record).toMatchObject({ data: 'before', version: 1 });
    expect(await store.put('k', 'after', 1)).toBe(2);
    await store.close();
  });

  it('names the URL without its password', async () => {
    const store = new RedisStore(server.url.replace('//', '//botflow:s3cret@'));
    await server.stop();
    try {
      const error: unknown = await store.get('k').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).not.toContain('s3cret');
      expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    } finally {
      await store.close();
      await server.start();
    }
  });
});

describe('RedisStore turns', () => {
  it('runs a turn in two round trips: hold and read, then write and give back', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const store = new RedisStore(server.url, { keyPrefix });
    const bot = botOf(COLLECTOR, { store });
    try {
      await bot.start('k');
      // Redis has the scripts now: ioredis sends each by its hash from here on.
      const sent = await commandsSent([server.port], keyPrefix, () => bot.send('k', 'x'));
      expect(sent).toEqual(['evalsha', 'evalsha']);
      expect((await bot.conversation('k'))?.variables.log).toBe('x,');
      // Given back with the write: another turn does not wait.
      await (
        await store.lock('k')
      )();
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore listing', () => {
  it('lists every conversation once, in pages, though many share one update time and one is rewritten meanwhile', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = new RedisStore(server.url, { keyPrefix: prefix });
    const admin = new Redis(server.url);
    const summary = { channel: 'x', status: 'waiting', block: 'a', result: null, counts: [] } as const;
    const keys = Array.from({ length: 800 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    try {
      for (const key of keys) await store.put(key, '{}', undefined, { ...summary, begins: true });
      // One millisecond for all: the first page ends inside a tie.
      for (const key of keys) await admin.zadd(`${prefix}\u0000updated`, 1000, key);
      const listed: string[] = [];
      for await (const { key } of store.conversations()) {
        listed.push(key);
        if (listed.length === 500) {
          // A turn of a conversation already listed moves it to the end of the index.
          const record = await store.get('k0000');
          await store.put('k0000', '{}', record?.version, { ...summary, begins: false });
        }
      }
      expect(new Set(listed)).toEqual(new Set(keys));
    } finally {
      await store.close();
      await admin.quit();
    }
  });
});

describe('RedisStore index with a ttl', () => {
  it('drops the entries of conversations expired long ago as it writes, with no listing', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = new RedisStore(server.url, { keyPrefix: prefix, ttlMs: 100 });
    const admin = new Redis(server.url);
    try {
      await store.put('old', '{}', undefined);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      await store.put('new', '{}', undefined);
      expect(await admin.zrange(`${prefix}\u0000updated`, '0', '-1')).toEqual(['new']);
    } finally {
      await store.close();
      await admin.quit();
    }
  });
});

describe('RedisStore link records', () => {
  it('keeps them under the link prefix, lets Redis forget an expired one, and drops it from the index', async () => {
    const prefix = `test:${randomUUID()}:`;
    const store = new RedisStore(server.url, { keyPrefix: `${prefix}conv:`, linkPrefix: `${prefix}link:` });
    const admin = new Redis(server.url);
    try {
      await store.put('k', 'conversation', undefined);
      const now = Date.now();
      await store.createLink('short', 'soon gone', { now, expiresAt: now + 50 });
      await store.createLink('long', 'kept', { now, expiresAt: now + 86_400_000 });
      expect((await admin.keys(`${prefix}*`)).sort()).toEqual(
        [
          `${prefix}conv:k`,
          `${prefix}conv:\u0000updated`,
          `${prefix}link:long`,
          `${prefix}link:short`,
          `${prefix}link:~index`,
        ].sort(),
      );
      expect(await admin.pttl(`${prefix}link:long`)).toBeGreaterThan(86_000_000);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await admin.exists(`${prefix}link:short`)).toBe(0);
      const listed = [];
      for await (const link of store.listLinks(Date.now())) listed.push(link.id);
      expect(listed).toEqual(['long']);
      expect(await admin.zrange(`${prefix}link:~index`, '0', '-1')).toEqual(['long']);
    } finally {
      admin.disconnect();
      await store.close();
    }
  });

  it.each([
    ['the conversation prefix', { keyPrefix: 'bot:', linkPrefix: 'bot:links:' }],
    ['a prefix the conversation prefix begins with', { keyPrefix: 'bot:conv:', linkPrefix: 'bot:' }],
    ['the lock namespace', { linkPrefix: 'lock:links:' }],
    ['no prefix', { linkPrefix: '' }],
  ])('refuses a link prefix that could meet %s', (_, options) => {
    expect(() => new RedisStore(server.url, options)).toThrow(
      expect.objectContaining({ code: 'store.bad-option' }) as Error,
    );
  });
});

describe('RedisStore with a server that stops answering', () => {
  it('fails a command with store.unavailable instead of waiting for ever', async () => {
    const store = freshStore();
    await store.put('k', 'before', undefined);
    server.freeze();
    try {
      await expect(store.get('k')).rejects.toMatchObject({ code: 'store.unavailable' });
    } finally {
      server.thaw();
    }
    expect(await store.get('k')).toMatchObject({ data: 'before', version: 1 });
    await store.close();
  });
});

describe('RedisStore writes whose answer is lost', () => {
  // The command timeout is 2 s: a freeze of 3 s outlasts it, and ends within the 5 s read-back.
  it('reads the version back once Redis answers, and reports a write that was applied as applied', async () => {
    const store = freshStore();
    await store.put('k', 'before', undefined);
    const frozen = server.freezeFor(3000);
    const version = await store.put('k', 'during', 1);
    await frozen;
    expect(version).toBe(2);
    expect(await store.get('k')).toMatchObject({ data: 'during', version: 2 });
    await store.close();
  });

  it('reports a write another came before as refused, not as unavailable', async () => {
    const keyPrefix = `test:${randomUUID()}:`;
    const [first, late] = [
      new RedisStore(server.url, { keyPrefix }),
      new RedisStore(server.url, { keyPrefix }),
    ];
    await first.put('k', 'one', undefined);
    await first.put('k', 'two', 1);
    await late.get('k'); // connected, so its write is sent and its answer lost (not kept back unsent)
    const frozen = server.freezeFor(3000);
    expect(await late.put('k', 'stale', 1)).toBeUndefined();
    await frozen;
    expect(await first.get('k')).toMatchObject({ data: 'two', version: 2 });
    await Promise.all([first.close(), late.close()]);
  });

  it('fails with store.uncertain when Redis stays silent past the read-back, and the write may still apply', async () => {
    const store = freshStore({ readBackMs: 500 });
    await store.put('k', 'before', undefined);
    const frozen = server.freezeFor(5000);
    const error: unknown = await store.put('k', 'during', 1).catch((caught: unknown) => caught);
    await frozen;
    expect(error).toBeInstanceOf(StoreUncertainError);
    expect(error).toMatchObject({
      code: 'store.uncertain',
      message: `the session store at ${server.url} did not confirm a write to conversation "k", which may have been applied`,
    });
    // Why it could not say "not applied": the write ran when Redis went on.
    expect(await store.get('k')).toMatchObject({ data: 'during', version: 2 });
    await store.close();
  });

  it('fails a write that waited for a connection Redis never made ready with store.unavailable', async () => {
    // Not connected yet: the write waits in ioredis's queue while the ready check times out, and
    // that queue is written out only once a connection is ready, so the write never left.
    const store = freshStore();
    const frozen = server.freezeFor(3000);
    await expect(store.put('k', 'during', undefined)).rejects.toMatchObject({ code: 'store.unavailable' });
    await frozen;
    // Its connection may still be coming back: read once it answers.
    expect(await vi.waitFor(() => store.get('k'), { timeout: 5000, interval: 100 })).toBeUndefined();
    await store.close();
  });

  it('fails a delete whose answer is lost with store.uncertain', async () => {
    const store = freshStore();
    await store.put('k', 'before', undefined);
    const frozen = server.freezeFor(3000);
    await expect(store.delete('k')).rejects.toMatchObject({ code: 'store.uncertain' });
    await frozen;
    expect(await store.get('k')).toBeUndefined();
    await store.close();
  });
});

describe('RedisStore on a connection the caller passes in', () => {
  it('fails fast like its own connection when given RedisStore.connectionOptions', async () => {
    const connection = new Redis(server.url, { ...RedisStore.connectionOptions });
    connection.on('error', () => undefined);
    const store = new RedisStore(connection, { keyPrefix: `test:${randomUUID()}:` });
    await store.get('k');
    server.freeze();
    try {
      await expect(store.get('k')).rejects.toMatchObject({ code: 'store.unavailable' });
    } finally {
      server.thaw();
      await store.close();
      connection.disconnect();
    }
  });
});

describe('RedisStore on a connection the caller passes in, with a command timeout', () => {
  it('does not call a write "not applied" when its timer ran out in the offline queue: it runs once Redis is back', async () => {
    // ioredis keeps a command whose own timer ran out in its offline queue, and writes it out on
    // the next ready: such a write is applied later, so it must be read back, not reported lost.
    const connection = new Redis(server.url, { commandTimeout: 300 });
    connection.on('error', () => undefined);
    const store = new RedisStore(connection, { keyPrefix: `test:${randomUUID()}:` });
    try {
      await store.get('k');
      await server.stop();
      const writing = store.put('k', 'during', undefined);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await server.start();
      expect(await writing).toBe(1);
      expect((await store.get('k'))?.data).toBe('during');
    } finally {
      await store.close();
      connection.disconnect();
    }
  });
});

describe('RedisStore on a connection the caller passes in, with ioredis defaults', () => {
  // ioredis sends a command again on the new connection when the old one broke before its answer
  // came (autoResendUnfulfilledCommands, the default): the second copy must answer as the first.
  const ways = {
    'the connection breaks': (proxy: AnswerProxy) => {
      proxy.cut();
      return Promise.resolve();
    },
    'Redis restarts': async () => {
      await server.save();
      await server.stop();
      await server.start();
    },
  };

  async function throughProxy(options: { lockWaitMs?: number } = {}) {
    const proxy = await AnswerProxy.start(server.port);
    const connection = new Redis(proxy.url);
    connection.on('error', () => undefined);
    const keyPrefix = `test:${randomUUID()}:`;
    const store = new RedisStore(connection, { keyPrefix, ...options });
    const admin = new Redis(server.url);
    admin.on('error', () => undefined);
    const dispose = async () => {
      await store.close();
      connection.disconnect();
      admin.disconnect();
      await proxy.close();
    };
    return { proxy, store, admin, keyPrefix, dispose };
  }

  it.each(Object.entries(ways))(
    'reports a write that ran but lost its answer as applied when %s',
    async (_, loseAnswer) => {
      const { proxy, store, admin, keyPrefix, dispose } = await throughProxy();
      try {
        await store.put('k', 'before', undefined);
        proxy.swallowAnswers();
        const put = store.put('k', 'during', 1);
        await vi.waitFor(async () => {
          expect(await admin.hget(`${keyPrefix}k`, 'version')).toBe('2');
        });
        await loseAnswer(proxy);
        expect(await put).toBe(2);
        expect(await store.get('k')).toMatchObject({ data: 'during', version: 2 });
      } finally {
        await dispose();
      }
    },
  );

  it.each(Object.entries(ways))(
    'counts the funnel of a write sent again after its answer was lost once, when %s',
    async (_, loseAnswer) => {
      const { proxy, store, admin, keyPrefix, dispose } = await throughProxy();
      const summary = {
        channel: 'telegram',
        status: 'waiting' as const,
        block: 'ask',
        result: null,
        begins: false,
        counts: [{ block: 'ask', edge: '', count: 1 }],
      };
      try {
        await store.put('k', 'before', undefined);
        proxy.swallowAnswers();
        const put = store.put('k', 'during', 1, summary);
        await vi.waitFor(async () => {
          expect(await admin.hget(`${keyPrefix}k`, 'version')).toBe('2');
        });
        await loseAnswer(proxy);
        expect(await put).toBe(2);
        expect(await store.funnelCounts()).toEqual([{ block: 'ask', edge: '', count: 1 }]);
      } finally {
        await dispose();
      }
    },
  );

  it.each(Object.entries(ways))(
    'holds a lock whose take ran but lost its answer when %s, instead of waiting for itself',
    async (_, loseAnswer) => {
      const { proxy, store, admin, keyPrefix, dispose } = await throughProxy({ lockWaitMs: 3000 });
      const lock = `lock:${keyPrefix}k`;
      try {
        await store.get('k'); // connected, so the take goes down the connection whose answers are lost
        proxy.swallowAnswers();
        const held = store.lock('k');
        await vi.waitFor(async () => {
          expect(await admin.exists(lock)).toBe(1);
        });
        await loseAnswer(proxy);
        await (
          await held
        )();
        expect(await admin.exists(lock)).toBe(0);
      } finally {
        await dispose();
      }
    },
  );
});

describe('RedisStore refusals', () => {
  it('names a refusal by its reply code, without the password', async () => {
    // A server of its own that wants a password, so the shared one stays open to the other tests.
    const guarded = await RedisServer.start();
    const admin = new Redis(guarded.url);
    await admin.config('SET', 'requirepass', 'right-password-123');
    await admin.quit();
    const store = new RedisStore(
      `redis://:wrong-password-123@127.0.0.1:${guarded.port}/?password=wrong-password-123`,
    );
    try {
      const error: unknown = await store.get('k').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toBe(
        `the session store at redis://127.0.0.1:${guarded.port}/ refused the command: WRONGPASS`,
      );
    } finally {
      await store.close();
      await guarded.dispose();
    }
  });

  it.each(['', 'l', 'lock', 'lock:', 'lock:app:'])(
    'refuses the key prefix %j, which could name a lock',
    (keyPrefix) => {
      expect(() => new RedisStore(server.url, { keyPrefix })).toThrow(
        `the Redis key prefix "${keyPrefix}" cannot be used: it must be set and not begin with "lock:"`,
      );
    },
  );
});
