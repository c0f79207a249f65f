import { afterAll, describe, expect, it } from 'vitest';
import { createBot, loadScript, type OutgoingMessage } from '../../engine/index.js';
import { RedisCluster } from '../store/redis-cluster.js';
import { RedisServer } from '../store/redis-server.js';
import { ServeProcess } from '../support/serve-process.js';

const COLLECTOR = 'test/fixtures/serve/collector.yaml';

// Started while the file loads: a missing redis-server fails the file instead of skipping it.
const redis = await RedisServer.start();
const cluster = await RedisCluster.start();
afterAll(async () => {
  await Promise.all([redis.dispose(), cluster.dispose()]);
});

type Transcript = (readonly OutgoingMessage[])[];

/** What one process with its own memory says to the same messages: the transcript to match. */
async function singleProcessTranscript(key: string, replies: readonly string[]): Promise<Transcript> {
  const bot = createBot({ script: await loadScript(COLLECTOR) });
  const turns = [await bot.start(key, { startParam: key })];
  for (const reply of replies) turns.push(await bot.send(key, reply));
  return turns.map((turn) => turn.messages);
}

/** Two serve processes on `store` give 200 conversations, sent to both in turn, the single-process transcripts. */
async function expectSharedTranscripts(store: readonly string[]): Promise<void> {
  {
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
  }
}

describe('two serve processes sharing one Redis', () => {
  it('give 200 conversations, their messages sent to both in turn, the single-process transcripts', async () => {
    await expectSharedTranscripts(['--store', `${redis.url}/0`]);
  });

  it('apply two messages sent to one conversation through both at the same moment once each', async () => {
    const store = ['--store', `${redis.url}/1`];
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

describe('serve while Redis stops and comes back', () => {
  it('fails turns with 503 store.unavailable, half-writes nothing, and goes on once Redis is back', async () => {
    // A password Redis does not ask for is sent and ignored; it must never be logged.
    const withPassword = redis.url.replace('//', '//:hunter2-store-password@');
    const serving = await ServeProcess.start(COLLECTOR, ['--store', `${withPassword}/2`]);
    await serving.post('/conversations/u1/start', { startParam: '42' });
    await serving.post('/conversations/u1/messages', { text: 'before' });
    await redis.save();
    await redis.stop();

    const failed = await serving.post('/conversations/u1/messages', { text: 'lost' });
    expect(failed).toEqual({
      status: 503,
      body: { error: { code: 'store.unavailable', message: expect.any(String) as unknown } },
    });
    expect((await serving.get('/health')).status).toBe(503);
    const logged = await serving.waitForLog((line) => line.msg === 'request failed' && line.status === 503);
    expect(logged.error).toMatchObject({ code: 'store.unavailable' });

    await redis.start();
    await expect.poll(async () => (await serving.get('/health')).status, { timeout: 10_000 }).toBe(200);
    const after = await serving.post('/conversations/u1/messages', { text: 'after' });
    expect(after.body.messages).toEqual([{ text: 'Got before,after,' }, { text: 'Next?' }]);
    expect(await serving.stop()).toBe(0);
    expect(serving.logs.find((line) => line.msg === 'starting')).toMatchObject({ where: `${redis.url}/2` });
    expect(serving.output).not.toContain('hunter2');
  });
});

describe('two serve processes sharing one Redis Cluster', () => {
  it('give 200 conversations, their messages sent to both in turn, the single-process transcripts', async () => {
    await expectSharedTranscripts(['--store', cluster.url]);
  });

  it('name the cluster by its nodes, never by its password', async () => {
    const withPassword = cluster.url.replace('//', '//:hunter2-cluster-password@');
    const serving = await ServeProcess.start(COLLECTOR, ['--store', withPassword]);
    await serving.post('/conversations/u1/start', {});
    expect(await serving.stop()).toBe(0);
    expect(serving.logs.find((line) => line.msg === 'starting')).toMatchObject({ where: cluster.url });
    expect(serving.output).not.toContain('hunter2');
  });
});
