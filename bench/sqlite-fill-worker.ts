/**
 * One SqliteStore of bench/sqlite-fill.bench.ts, in a process of its own so that its resident
 * memory is its own: a Bot on the filled file running turns on conversations picked at random.
 * Each `{ turns }` request is answered with a FillWorkerReply. It exits when the bench disconnects.
 */
import { SqliteStore } from '../engine/index.js';
import { REPLIES, START } from './conversation.js';
import type { FillWorkerConfig, FillWorkerReply } from './sqlite-fill.bench.js';
import { conversationKey, storeBot } from './store.bench.js';

const [configJson] = process.argv.slice(2);
if (configJson === undefined)
  throw new Error('bench/sqlite-fill.bench.ts starts this worker with its config');
const config = JSON.parse(configJson) as FillWorkerConfig;
const store = new SqliteStore(config.file, config.options);
const bot = storeBot(store);

/**
 * Where each conversation stands: 0 waits at its first ask (as the fill left every one), 1 at the
 * second, 2 has ended (its next turn starts it again).
 */
const stage = new Uint8Array(config.conversations);
let seed = config.seed;
/** xorshift32: the same keys in the same order on every run, cheap beside a turn. */
const nextIndex = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % config.conversations;
};

async function turn(): Promise<void> {
  const index = nextIndex();
  const key = conversationKey(index);
  const at = stage[index] ?? 0;
  const reply = at === 2 ? undefined : REPLIES[at];
  const result =
    reply === undefined
      ? await bot.start(key, { startParam: START, channel: 'telegram' })
      : await bot.send(key, reply);
  const next = (at + 1) % 3;
  const expected = next === 2 ? 'ended' : 'waiting';
  if (result.status !== expected) throw new Error(`${key}: the turn ${result.status}, expected ${expected}`);
  stage[index] = next;
}

async function run(turns: number): Promise<FillWorkerReply> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let done = 0; done < turns; done++) await turn();
  const { user, system } = process.cpuUsage(cpu);
  return {
    ok: true,
    ms: performance.now() - started,
    cpuMs: (user + system) / 1000,
    rss: process.memoryUsage().rss,
  };
}

process.on('message', (request: { turns: number }) => {
  run(request.turns).then(
    (reply) => process.send?.(reply),
    (error: unknown) =>
      process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
process.on('disconnect', () => {
  void store.close();
});
process.send?.({ ok: true, ms: 0, cpuMs: 0, rss: process.memoryUsage().rss } satisfies FillWorkerReply);
