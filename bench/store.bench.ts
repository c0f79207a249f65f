/**
 * Session stores: turns a second through a Bot on each store against a MemoryStore in the same
 * run, Redis and a 3-master Redis Cluster also from two processes at once, and what a
 * conversation waiting at an ask costs each store. Every store holds CONVERSATIONS conversations, so no benchmark runs on a near-empty
 * table or key space.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import {
  createBot,
  MemoryStore,
  parseScript,
  PostgresStore,
  RedisStore,
  SqliteStore,
  type Bot,
  type SessionStore,
} from '../engine/index.js';
import { RedisCluster } from '../test/store/redis-cluster.js';
import pg from 'pg';
import { PostgresServer } from '../test/store/postgres-server.js';
import { RedisServer } from '../test/store/redis-server.js';
import { REPLIES, SCRIPT, START } from './conversation.js';
import { compare, type Comparison, type Row } from './harness.js';

const CONVERSATIONS = 10_000;
/** Turns each of the two processes runs per operation: enough that the message asking for them is noise. */
const TURNS_PER_WORKER = 25;

/** A key like a messenger's chat id: its length is part of what a store holds. */
export const conversationKey = (index: number) => `telegram:${100_000_000 + index}`;

export const storeBot = (store: SessionStore): Bot =>
  createBot({ script: parseScript(SCRIPT, 'bench.yaml'), store });

/** Every conversation starts, then each gets the first reply, then the second (it ends), then again. */
function* turnSchedule(first: number, count: number): Generator<{ key: string; reply?: string }, never> {
  for (;;) {
    for (let index = first; index < first + count; index++) yield { key: conversationKey(index) };
    for (const reply of REPLIES) {
      for (let index = first; index < first + count; index++) yield { key: conversationKey(index), reply };
    }
  }
}

/**
 * One turn per call over conversations `first` … `first + count - 1`, round-robin, so the store
 * holds all of them and every call reads and writes a different key than the one before.
 */
export function turnDriver(bot: Bot, first: number, count: number): () => Promise<void> {
  const schedule = turnSchedule(first, count);
  return async () => {
    const { key, reply } = schedule.next().value;
    const turn =
      reply === undefined
        ? await bot.start(key, { startParam: START, channel: 'telegram' })
        : await bot.send(key, reply);
    const expected = reply === REPLIES.at(-1) ? 'ended' : 'waiting';
    if (turn.status !== expected) throw new Error(`${key}: the turn ${turn.status}, expected ${expected}`);
  };
}

/** Conversations started at once while a store is filled: that is set-up, not measured. */
const FILL_CONCURRENCY = 100;

/** Starts the next `count` conversations of a fresh driver, many at a time. */
export async function fill(nextTurn: () => Promise<void>, count: number): Promise<void> {
  for (let started = 0; started < count; started += FILL_CONCURRENCY) {
    await Promise.all(Array.from({ length: Math.min(FILL_CONCURRENCY, count - started) }, () => nextTurn()));
  }
}

/** Runs `turns` turns one after another. */
export async function runTurns(nextTurn: () => Promise<void>, turns: number): Promise<void> {
  for (let turn = 0; turn < turns; turn++) await nextTurn();
}

/** What a store worker (bench/store-worker.ts) is given, as its one argument in JSON. */
export interface WorkerConfig {
  readonly url: string;
  readonly keyPrefix: string;
  readonly first: number;
  readonly count: number;
}

/** A worker's answer to each request (its first one: every conversation has started). */
export type WorkerReply = { ok: true } | { ok: false; error: string };

/** A second engine process running turns of its own conversations against the shared Redis. */
class TurnWorker {
  private pending: { resolve: () => void; reject: (error: Error) => void } | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: WorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      if (reply.ok) pending?.resolve();
      else pending?.reject(new Error(`store worker: ${reply.error}`));
    });
    child.on('exit', (code) => {
      this.pending?.reject(new Error(`store worker exited with ${code ?? 'a signal'}`));
    });
  }

  static async start(config: WorkerConfig): Promise<TurnWorker> {
    // fork() passes on this process's execArgv, so the worker runs under the same tsx loader.
    const child = fork(fileURLToPath(new URL('store-worker.ts', import.meta.url)), [JSON.stringify(config)]);
    const worker = new TurnWorker(child);
    await worker.answer();
    return worker;
  }

  run(turns: number): Promise<void> {
    const answered = this.answer();
    this.child.send({ turns });
    return answered;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }

  private answer(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
    });
  }
}

/** A turn-per-operation benchmark, or a batch of turns (the two processes) to count back to turns. */
interface StoreComparison extends Comparison {
  readonly turnsPerOperation: number;
}

/** A Redis side: our own redis-server (or cluster), one store on it here and two worker processes. */
interface RedisSide {
  readonly url: string;
  readonly store: RedisStore;
  /** The next turn on `store`, from this process. */
  readonly turn: () => Promise<void>;
  readonly workers: readonly TurnWorker[];
  /** Stops the server (or the cluster's servers). */
  dispose(): Promise<void>;
}

/** The Redis servers: one, and a cluster of three masters with a replica each. */
interface RedisSides {
  readonly version: string;
  readonly single: RedisSide;
  readonly cluster: RedisSide;
  /** A store on the cluster whose writes wait for a replica (`waitReplicas: 1`), and its next turn. */
  readonly waiting: { readonly store: RedisStore; readonly turn: () => Promise<void> };
}

/** The PostgreSQL side: our own server (fsync on, as deployed), one filled store on it. */
interface PostgresSide {
  readonly server: PostgresServer;
  readonly version: string;
  readonly store: PostgresStore;
  readonly turn: () => Promise<void>;
}

/** Starts everything the store benchmarks run against, each store filled with its conversations. */
export class StoreBenchmarks {
  private constructor(
    private readonly dir: string,
    private readonly sqlite: SqliteStore,
    private readonly redis: RedisSides | string,
    private readonly postgres: PostgresSide | string,
    private readonly comparisons: readonly StoreComparison[],
  ) {}

  static async start(): Promise<StoreBenchmarks> {
    const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-'));
    const memoryTurn = await filledDriver(new MemoryStore());
    const sqlite = new SqliteStore(join(dir, 'turns.db'));
    const comparisons: StoreComparison[] = [
      {
        name: 'turn, SqliteStore (WAL file)',
        subject: await filledDriver(sqlite),
        baselineName: 'turn, MemoryStore',
        baseline: memoryTurn,
        turnsPerOperation: 1,
      },
    ];
    const redis = await startRedis();
    if (typeof redis !== 'string') {
      const bothWorkers = 2 * TURNS_PER_WORKER;
      comparisons.push({
        name: 'turn, RedisStore (hold and read, write and give back)',
        subject: redis.single.turn,
        baselineName: 'turn, RedisStore (lock, read, write, unlock)',
        baseline: await filledDriver(fourRoundTrips(redis.single.store)),
        turnsPerOperation: 1,
      });
      comparisons.push({
        name: 'turn, RedisStore on Redis Cluster, each write waiting for its replica',
        subject: redis.waiting.turn,
        baselineName: 'turn, RedisStore on Redis Cluster',
        baseline: redis.cluster.turn,
        turnsPerOperation: 1,
      });
      for (const [what, side] of [
        ['RedisStore', redis.single],
        ['RedisStore on Redis Cluster', redis.cluster],
      ] as const) {
        comparisons.push(
          {
            name: `turn, ${what}`,
            subject: side.turn,
            baselineName: 'turn, MemoryStore',
            baseline: memoryTurn,
            turnsPerOperation: 1,
          },
          {
            name: `turns, ${what}, 2 processes combined`,
            subject: () => Promise.all(side.workers.map((worker) => worker.run(TURNS_PER_WORKER))),
            baselineName: 'turns, MemoryStore, 1 process',
            baseline: () => runTurns(memoryTurn, bothWorkers),
            turnsPerOperation: bothWorkers,
          },
        );
      }
    }
    const postgres = await startPostgres();
    if (typeof postgres !== 'string') {
      comparisons.push({
        name: 'turn, PostgresStore',
        subject: postgres.turn,
        baselineName: 'turn, MemoryStore',
        baseline: memoryTurn,
        turnsPerOperation: 1,
      });
    }
    return new StoreBenchmarks(dir, sqlite, redis, postgres, comparisons);
  }

  get heading(): string {
    const conversations = CONVERSATIONS.toLocaleString('en-US');
    const title = `session stores, ${conversations} conversations in each; ops/s are turns/s`;
    const redis =
      typeof this.redis === 'string'
        ? `${title}\n${this.redis}`
        : `${title} (redis-server ${this.redis.version} on localhost; the cluster: 3 masters, 3 replicas)`;
    return typeof this.postgres === 'string'
      ? `${redis}\n${this.postgres}`
      : `${redis}\n(${this.postgres.version} on localhost, fsync on, one pool of 10 connections)`;
  }

  /** Turns a second on each store beside a MemoryStore's, the two-process batches counted as turns. */
  async measure(): Promise<Row[]> {
    const rows: Row[] = [];
    for (const { turnsPerOperation, ...comparison } of this.comparisons) {
      for (const row of await compare([comparison])) {
        rows.push({
          ...row,
          opsPerSecond: row.opsPerSecond * turnsPerOperation,
          baselineOpsPerSecond: row.baselineOpsPerSecond * turnsPerOperation,
        });
      }
    }
    return rows;
  }

  /**
   * What a conversation waiting at its first ask costs each store: the data string the Bot writes,
   * and what the database holds for it, from CONVERSATIONS such conversations in a fresh file or
   * key space.
   */
  async sizes(): Promise<string> {
    const memory = new MemoryStore();
    const lines = [
      `stored conversation waiting at an ask (keys like ${conversationKey(0)}):`,
      `  MemoryStore  data ${await startAll(memory, 1)} bytes`,
    ];

    const file = join(this.dir, 'sizes.db');
    const sqlite = new SqliteStore(file);
    const sqliteData = await startAll(sqlite, CONVERSATIONS);
    // Closing the last connection checkpoints the WAL into the file and removes it.
    await sqlite.close();
    const fileBytes = statSync(file).size + (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);
    lines.push(
      `  SqliteStore  data ${sqliteData} bytes; file ${perConversation(fileBytes)} bytes a conversation ` +
        `(${fileBytes.toLocaleString('en-US')}-byte file after close: row, key index and free page space)`,
    );

    if (typeof this.postgres !== 'string') lines.push(await postgresSize(this.postgres.server));
    if (typeof this.redis === 'string') return lines.join('\n');
    // A store of its own, with the default key prefix, in a key space nothing else writes to.
    const redis = new RedisStore(this.redis.single.url);
    const client = new Redis(this.redis.single.url);
    try {
      const before = await usedMemory(client);
      const redisData = await startAll(redis, CONVERSATIONS);
      const grown = (await usedMemory(client)) - before;
      const keyUsage = await client.memory('USAGE', `botflow:conv:${conversationKey(0)}`, 'SAMPLES', 0);
      lines.push(
        `  RedisStore   data ${redisData} bytes; MEMORY USAGE ${keyUsage ?? 'none'} bytes a key ` +
          `(the key and its hash); used_memory grew ${perConversation(grown)} bytes a conversation`,
      );
    } finally {
      await Promise.all([redis.close(), client.quit()]);
    }
    return lines.join('\n');
  }

  async close(): Promise<void> {
    await this.sqlite.close();
    if (typeof this.postgres !== 'string') {
      await this.postgres.store.close();
      await this.postgres.server.dispose();
    }
    if (typeof this.redis !== 'string') {
      await this.redis.waiting.store.close();
      await stopSide(this.redis.single);
      await stopSide(this.redis.cluster);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `store` as a turn used it before it could hold and read in one step: lock, read, compare-and-set
 * and unlock, four round trips one after another. Under a prefix of its own.
 */
function fourRoundTrips(store: RedisStore): SessionStore {
  const prefixed = (key: string) => `four:${key}`;
  return {
    get: (key) => store.get(prefixed(key)),
    put: (key, data, expected, summary) => store.put(prefixed(key), data, expected, summary),
    delete: (key) => store.delete(prefixed(key)),
    lock: (key) => store.lock(prefixed(key)),
  };
}

/** A turn driver over CONVERSATIONS conversations on `store`, every one of them started already. */
async function filledDriver(store: SessionStore): Promise<() => Promise<void>> {
  const nextTurn = turnDriver(storeBot(store), 0, CONVERSATIONS);
  await fill(nextTurn, CONVERSATIONS);
  return nextTurn;
}

/**
 * Starts `count` conversations, each then waiting at its first ask, and returns the byte length
 * of the data the Bot stored for one of them.
 */
async function startAll(store: SessionStore, count: number): Promise<number> {
  await fill(turnDriver(storeBot(store), 0, count), count);
  const record = await store.get(conversationKey(0));
  return Buffer.byteLength(record?.data ?? '');
}

const perConversation = (bytes: number) => Math.round(bytes / CONVERSATIONS).toLocaleString('en-US');

async function usedMemory(client: Redis): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1]);
}

/**
 * Our own redis-server and Redis Cluster, each with a filled store on it here and two worker
 * processes, or why there are none. What started is stopped again when anything after fails.
 */
async function startRedis(): Promise<RedisSides | string> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error) {
    return 'Redis rows not measured: redis-server is not installed (apt-get install redis-server)';
  }
  const version = /v=(\S+)/.exec(probe.stdout)?.[1] ?? 'of unknown version';
  let server: RedisServer;
  let cluster: RedisCluster;
  try {
    server = await RedisServer.start();
  } catch (error) {
    return `Redis rows not measured: ${error instanceof Error ? error.message : String(error)}`;
  }
  try {
    cluster = await RedisCluster.start();
  } catch (error) {
    await server.dispose();
    return `Redis rows not measured: ${error instanceof Error ? error.message : String(error)}`;
  }
  let single: RedisSide | undefined;
  let clustered: RedisSide | undefined;
  let waiting: RedisStore | undefined;
  try {
    single = await startSide(server.url, () => server.dispose());
    clustered = await startSide(cluster.url, () => cluster.dispose());
    waiting = new RedisStore(cluster.url, { keyPrefix: 'bench:wait:', waitReplicas: 1 });
    return {
      version,
      single,
      cluster: clustered,
      waiting: { store: waiting, turn: await filledDriver(waiting) },
    };
  } catch (error) {
    await waiting?.close();
    if (clustered) await stopSide(clustered);
    if (single) await stopSide(single);
    await Promise.all([server.dispose(), cluster.dispose()]);
    throw error;
  }
}

/** A filled store on the Redis at `url` here, and two worker processes on it. */
async function startSide(url: string, dispose: () => Promise<void>): Promise<RedisSide> {
  const store = new RedisStore(url, { keyPrefix: 'bench:one-process:' });
  try {
    const half = CONVERSATIONS / 2;
    const workers = await Promise.all(
      [0, half].map((first) =>
        TurnWorker.start({ url, keyPrefix: 'bench:two-processes:', first, count: half }),
      ),
    );
    return { url, store, turn: await filledDriver(store), workers, dispose };
  } catch (error) {
    await store.close();
    throw error;
  }
}

async function stopSide(side: RedisSide): Promise<void> {
  await Promise.all(side.workers.map((worker) => worker.stop()));
  await side.store.close();
  await side.dispose();
}

/** Our own PostgreSQL with a filled store on it, or why there is none. */
async function startPostgres(): Promise<PostgresSide | string> {
  let server: PostgresServer;
  try {
    server = await PostgresServer.start({ durable: true });
  } catch (error) {
    return `PostgreSQL rows not measured: ${error instanceof Error ? error.message : String(error)}`;
  }
  const store = new PostgresStore(server.url, { tablePrefix: 'bench_' });
  try {
    return { server, version: await server.version(), store, turn: await filledDriver(store) };
  } catch (error) {
    await store.close();
    await server.dispose();
    throw error;
  }
}

/**
 * What PostgreSQL holds for a waiting conversation: one row's size (pg_column_size of the row),
 * and the conversations table with its indexes and TOAST (pg_total_relation_size) per conversation.
 */
async function postgresSize(server: PostgresServer): Promise<string> {
  const store = new PostgresStore(server.url, { tablePrefix: 'sizes_' });
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    const data = await startAll(store, CONVERSATIONS);
    await client.query('VACUUM ANALYZE sizes_conversations');
    const { rows } = await client.query<{ row: number; total: string }>(
      `SELECT pg_column_size(c.*) AS row, pg_total_relation_size('sizes_conversations') AS total
       FROM sizes_conversations c WHERE key = $1`,
      [conversationKey(0)],
    );
    const [sized] = rows;
    if (sized === undefined) throw new Error(`no row for ${conversationKey(0)} in sizes_conversations`);
    const { row, total } = sized;
    return (
      `  PostgresStore data ${data} bytes; row ${row} bytes (pg_column_size); table, indexes and TOAST ` +
      `${perConversation(Number(total))} bytes a conversation (pg_total_relation_size after VACUUM)`
    );
  } finally {
    await Promise.all([store.close(), client.end()]);
  }
}
