/**
 * Reports and the funnel: a CSV report of REPORTED stored conversations beside reading the same
 * records with the store's bare `get` (rows/s, and the heap's peak above where it started), and a
 * turn with funnel counting beside the same turn without it, per store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createBot,
  MemoryStore,
  parseScript,
  RedisStore,
  reportText,
  SqliteStore,
  type ReportingStore,
  type TurnSummary,
} from '../engine/index.js';
import { RedisServer } from '../test/store/redis-server.js';
import { SCRIPT } from './conversation.js';
import { compare, type Comparison, type Row } from './harness.js';
import { fill, turnDriver } from './store.bench.js';

const REPORTED = 100_000;
/** Conversations each funnel benchmark's store holds before it is measured. */
const FUNNEL_CONVERSATIONS = 2_000;

const key = (index: number) => `telegram:${100_000_000 + index}`;

/** What the Bot stores for a conversation waiting at its first ask (bench/store.bench.ts measures 199 bytes). */
const record = (index: number) =>
  JSON.stringify({
    s: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    b: 'ask-city',
    v: {
      cl_data: 'John Smith 23',
      firstName: 'John',
      lastName: 'Smith',
      age: 23,
      clientExternalId: `client-${index}`,
      channel: 'telegram',
    },
    m: ['AbCdEfGh'],
  });

const summary: TurnSummary = {
  channel: 'telegram',
  status: 'waiting',
  block: 'ask-city',
  result: null,
  begins: true,
  counts: [],
};

async function fillReported(store: ReportingStore): Promise<void> {
  for (let start = 0; start < REPORTED; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, REPORTED - start) }, (_, i) =>
        store.put(key(start + i), record(start + i), undefined, summary),
      ),
    );
  }
}

/** Runs `work` and tells its time and the heap's peak above the start, sampled every 5 ms. */
async function measured(work: () => Promise<number>): Promise<{ rows: number; ms: number; peakMb: number }> {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 5);
  const started = performance.now();
  const rows = await work();
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  return { rows, ms, peakMb: (peak - base) / 1_048_576 };
}

/** The CSV report, its bytes counted and dropped, as a response or a file would take them. */
async function csvReport(store: ReportingStore, onRow?: (rows: number) => void): Promise<number> {
  let rows = -1; // the header
  let bytes = 0;
  for await (const chunk of reportText(store, { format: 'csv', ...(onRow && { onRow }) })) {
    bytes += chunk.length;
    rows += 1;
  }
  if (bytes === 0) throw new Error('the report was empty');
  return rows;
}

/**
 * What the report keeps alive: the heap after a full collection every 10,000 rows, at most,
 * above where it started (the peak above counts garbage not yet collected). Needs --expose-gc.
 */
async function liveHeapMb(store: ReportingStore): Promise<string> {
  const gc = globalThis.gc;
  if (gc === undefined) return 'not measured (run with node --expose-gc)';
  gc();
  const base = process.memoryUsage().heapUsed;
  let most = 0;
  await csvReport(store, (rows) => {
    if (rows % 10_000 !== 0) return;
    gc();
    most = Math.max(most, process.memoryUsage().heapUsed - base);
  });
  return `+${(most / 1_048_576).toFixed(1)} MB`;
}

async function bareGets(store: ReportingStore): Promise<number> {
  let rows = 0;
  for (let index = 0; index < REPORTED; index++) if (await store.get(key(index))) rows += 1;
  return rows;
}

async function reportLine(name: string, store: ReportingStore): Promise<string> {
  await fillReported(store);
  const report = await measured(() => csvReport(store));
  const gets = await measured(() => bareGets(store));
  const live = await liveHeapMb(store);
  if (report.rows !== REPORTED || gets.rows !== REPORTED)
    throw new Error(`${name}: ${report.rows} / ${gets.rows} rows`);
  const rate = (figure: { rows: number; ms: number }) =>
    Math.round((figure.rows / figure.ms) * 1000).toLocaleString('en-US');
  return (
    `  ${name.padEnd(12)} CSV report ${rate(report)} rows/s, heap peak +${report.peakMb.toFixed(1)} MB, live ${live}` +
    ` | bare get ${rate(gets)} rows/s, heap peak +${gets.peakMb.toFixed(1)} MB` +
    ` | ${(report.ms / gets.ms).toFixed(2)}× the time of the gets`
  );
}

/** The report figures of each store, Redis when redis-server is installed. */
export async function reportFigures(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-report-'));
  const lines = [
    `CSV report of ${REPORTED.toLocaleString('en-US')} stored conversations beside a bare get of each`,
  ];
  const sqlite = new SqliteStore(join(dir, 'report.db'));
  try {
    lines.push(await reportLine('MemoryStore', new MemoryStore()));
    lines.push(await reportLine('SqliteStore', sqlite));
    const redis = await startRedis();
    if (typeof redis === 'string') lines.push(`  ${redis}`);
    else {
      const store = new RedisStore(redis.url, { keyPrefix: 'bench:report:' });
      try {
        lines.push(await reportLine('RedisStore', store));
      } finally {
        await store.close();
        await redis.dispose();
      }
    }
  } finally {
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return lines;
}

/** A turn driver over a filled store, with or without funnel counting. */
async function driver(store: ReportingStore, funnel: boolean): Promise<() => Promise<void>> {
  const next = turnDriver(
    createBot({ script: parseScript(SCRIPT, 'bench.yaml'), store, funnel }),
    0,
    FUNNEL_CONVERSATIONS,
  );
  await fill(next, FUNNEL_CONVERSATIONS);
  return next;
}

/** The turn with funnel counting beside the turn without, per store; each side has a store of its own. */
export async function funnelRows(): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-funnel-'));
  const sqlite = [new SqliteStore(join(dir, 'on.db')), new SqliteStore(join(dir, 'off.db'))] as const;
  const redis = await startRedis();
  const redisStores =
    typeof redis === 'string'
      ? undefined
      : ([
          new RedisStore(redis.url, { keyPrefix: 'bench:funnel-on:' }),
          new RedisStore(redis.url, { keyPrefix: 'bench:funnel-off:' }),
        ] as const);
  try {
    const pairs: [string, ReportingStore, ReportingStore][] = [
      ['MemoryStore', new MemoryStore(), new MemoryStore()],
      ['SqliteStore', ...sqlite],
      ...(redisStores ? [['RedisStore', ...redisStores] as [string, ReportingStore, ReportingStore]] : []),
    ];
    const comparisons: Comparison[] = [];
    for (const [name, on, off] of pairs) {
      comparisons.push({
        name: `turn, ${name}, funnel counted`,
        subject: await driver(on, true),
        baselineName: `turn, ${name}, funnel: false`,
        baseline: await driver(off, false),
      });
    }
    return await compare(comparisons);
  } finally {
    await Promise.all([...sqlite, ...(redisStores ?? [])].map((store) => store.close()));
    if (typeof redis !== 'string') await redis.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startRedis(): Promise<RedisServer | string> {
  try {
    return await RedisServer.start();
  } catch (error) {
    return `Redis not measured: ${error instanceof Error ? error.message : String(error)}`;
  }
}
