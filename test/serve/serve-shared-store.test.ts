import { afterAll, describe, expect, it } from 'vitest';
import { createBot, loadScript, type OutgoingMessage } from '../../engine/index.js';
import { PostgresServer } from '../store/postgres-server.js';
import { RedisCluster } from '../store/redis-cluster.js';
import { RedisServer } from '../store/redis-server.js';
import { ServeProcess } from '../support/serve-process.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';

/** A store several `serve` processes can share, on a server of this file's own. */
interface SharedStore {
  /** The `--store` value of an empty store no other test uses, with `password` in it, and how serve names it. */
  fresh(password?: string): Promise<{ spec: string; where: string }>;
  /** Stops the server, keeping what it acknowledged, so that `start` brings it back. */
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

async function redisStore(): Promise<SharedStore> {
  const server = await RedisServer.start();
  let databases = 0;
  return {
    fresh: (password) => {
      const where = `${server.url}/${databases++}`;
      return Promise.resolve({ spec: password ? where.replace('//', `//:${password}@`) : where, where });
    },
    stop: async () => {
      // Persistence is off otherwise: the snapshot is what the restarted server loads.
      await server.save();
      await server.stop();
    },
    start: () => server.start(),
    dispose: () => server.dispose(),
  };
}

async function postgresStore(): Promise<SharedStore> {
  const server = await PostgresServer.start();
  return {
    fresh: async (password) => {
      const url = await server.createDatabase();
      const where = url.replace('//postgres@', '//');
      return { spec: password ? url.replace('//postgres@', `//postgres:${password}@`) : url, where };
    },
    stop: () => server.stop(),
    start: () => server.start(),
    dispose: () => server.dispose(),
  };
}

// Started while the file loads: a missing server fails the file instead of skipping it.
const SHARED_STORES: readonly (readonly [string, SharedStore])[] = [
  ['Redis', await redisStore()],
  ['PostgreSQL', await postgresStore()],
];
const cluster = await RedisCluster.start();
afterAll(async () => {
  await Promise.all([...SHARED_STORES.map(([, store]) => store.dispose()), cluster.dispose()]);
});

/** The stores two processes share in the tests below: these, and the Redis Cluster (its tests' keys differ). */
const TWO_PROCESS_STORES: readonly (readonly [string, Pick<SharedStore, 'fresh'>])[] = [
  ...SHARED_STORES,
  ['Redis Cluster', { fresh: () => Promise.resolve({ spec: cluster.url, where: cluster.url }) }],
];

type Transcript = (readonly OutgoingMessage[])[];

/** What one process with its own memory says to the same messages: the transcript to match. */
async function singleProcessTranscript(key: string, replies: readonly string[]): Promise<Transcript> {
  const bot = createBot({ script: await loadScript(COLLECTOR) });
  const turns = [await bot.start(key, { startParam: key })];
  for (const reply of replies) turns.push(await bot.send(key, reply));
  return turns.map((turn) => turn.messages);
}

describe.each(TWO_PROCESS_STORES)('two serve processes sharing one %s store', (_, shared) => {
  it('give 200 conversations, their messages sent to both in turn, the single-process transcripts', async () => {
    const store = ['--store', (await shared.fresh()).spec];
    const [one, two] = [
      await ServeProcess.start(COLLECTOR, store),
      await ServeProcess.start(COLLECTOR, store),
    ];
    const replies = ['a', 'b', 'c', 'd'];
    const keys = Array.from({ length: 200 }, (_, i) => `c${i}`);

    const transcripts = await Promise.all(
      keys.map(async (key, i) => {
        // Conversation i starts on process i % 2 and then goes back and forth between the two.
        const at = (step: number) => ((i + step) % 2 === 0 ? one : two);
        const turns = [await at(0).post(`/conversations/${key}/start`, { startParam: key })];
        for (const [step, text] of replies.entries()) {
          turns.push(await at(step + 1).post(`/conversations/${key}/messages`, { text }));
        }
        expect(turns.map(({ status }) => status)).toEqual([200, 200, 200, 200, 200]);
        return turns.map(({ body }) => body.messages as OutgoingMessage[]);
      }),
    );

    for (const [i, key] of keys.entries()) {
      expect(transcripts[i]).toEqual(await singleProcessTranscript(key, replies));
    }
    expect(transcripts[0]?.at(-1)).toEqual([{ text: 'Got a,b,c,d,' }, { text: 'Next?' }]);
    for (const key of keys.slice(0, 10)) {
      expect((await two.get(`/conversations/${key}`)).body).toMatchObject({
        variables: { log: 'a,b,c,d,' },
      });
    }
    expect(await Promise.all([one.stop(), two.stop()])).toEqual([0, 0]);
  });

  it('apply two messages sent to one conversation through both at the same moment once each', async () => {
    const store = ['--store', (await shared.fresh()).spec];
    const [one, two] = [
      await ServeProcess.start(COLLECTOR, store),
      await ServeProcess.start(COLLECTOR, store),
    ];
    const keys = Array.from({ length: 50 }, (_, i) => `race${i}`);
    await Promise.all(keys.map((key) => one.post(`/conversations/${key}/start`, {})));
    const answers = await Promise.all(
      keys.flatMap((key) => [
        one.post(`/conversations/${key}/messages`, { text: 'x' }),
        two.post(`/conversations/${key}/messages`, { text: 'y' }),
      ]),
    );
    expect(answers.every(({ status }) => status === 200)).toBe(true);
    for (const key of keys) {
      const { variables } = (await two.get(`/conversations/${key}`)).body as { variables: { log: string } };
      expect(['x,y,', 'y,x,']).toContain(variables.log);
    }
    await Promise.all([one.stop(), two.stop()]);
  });
});

describe.each(SHARED_STORES)('serve while its %s store stops and comes back', (_, shared) => {
  it('fails turns with 503 store.unavailable, half-writes nothing, and goes on once the store is back', async () => {
    // A password the server does not ask for is sent and ignored; it must never be logged.
    const { spec, where } = await shared.fresh('hunter2-store-password');
    const serving = await ServeProcess.start(COLLECTOR, ['--store', spec]);
    await serving.post('/conversations/u1/start', { startParam: '42' });
    await serving.post('/conversations/u1/messages', { text: 'before' });
    await shared.stop();

    const failed = await serving.post('/conversations/u1/messages', { text: 'lost' });
    expect(failed).toEqual({
      status: 503,
      body: { error: { code: 'store.unavailable', message: expect.any(String) as unknown } },
    });
    expect((await serving.get('/health')).status).toBe(503);
    const logged = await serving.waitForLog((line) => line.msg === 'request failed' && line.status === 503);
    expect(logged.error).toMatchObject({ code: 'store.unavailable' });

    await shared.start();
    await expect.poll(async () => (await serving.get('/health')).status, { timeout: 10_000 }).toBe(200);
    const after = await serving.post('/conversations/u1/messages', { text: 'after' });
    expect(after.body.messages).toEqual([{ text: 'Got before,after,' }, { text: 'Next?' }]);
    expect(await serving.stop()).toBe(0);
    expect(serving.logs.find((line) => line.msg === 'starting')).toMatchObject({ where });
    expect(serving.output).not.toContain('hunter2');
  });
});

describe('serve on a Redis Cluster', () => {
  it('names the cluster by its nodes, never by its password', async () => {
    const withPassword = cluster.url.replace('//', '//:hunter2-cluster-password@');
    const serving = await ServeProcess.start(COLLECTOR, ['--store', withPassword]);
    await serving.post('/conversations/u1/start', {});
    expect(await serving.stop()).toBe(0);
    expect(serving.logs.find((line) => line.msg === 'starting')).toMatchObject({ where: cluster.url });
    expect(serving.output).not.toContain('hunter2');
  });
});
