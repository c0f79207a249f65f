/**
 * One of the two engine processes of the two-process Redis benchmark (bench/store.bench.ts): a
 * Bot on a RedisStore running turns of its own share of the conversations. It first starts every
 * one of them, then runs `{ turns }` more per request; each request is answered with a
 * WorkerReply. It exits when the bench disconnects.
 */
import { RedisStore } from '../engine/index.js';
import { fill, runTurns, storeBot, turnDriver, type WorkerConfig, type WorkerReply } from './store.bench.js';

const [configJson] = process.argv.slice(2);
if (configJson === undefined) throw new Error('bench/store.bench.ts starts this worker with its config');
const config = JSON.parse(configJson) as WorkerConfig;
const store = new RedisStore(config.url, { keyPrefix: config.keyPrefix });
const nextTurn = turnDriver(storeBot(store), config.first, config.count);

function answer(work: Promise<void>): void {
  const reply = (message: WorkerReply) => process.send?.(message);
  work.then(
    () => reply({ ok: true }),
    (error: unknown) => reply({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}

answer(fill(nextTurn, config.count));
process.on('message', (request: { turns: number }) => {
  answer(runTurns(nextTurn, request.turns));
});
process.on('disconnect', () => {
  void store.close();
});
