/**
 * SQLite as it fills: turns a second on a SqliteStore file holding 10,000 waiting conversations
 * beside the same on a file holding 1,000,000, in the same run, and the resident memory of each.
 * The files are filled directly (one transaction, one prepared statement) with the row a real
 * turn wrote, keys in random order, so the B-trees look like a file that grew; then each store
 * runs in a process of its own (bench/sqlite-fill-worker.ts), the two taking turns round by round.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { SqliteStore, type SqliteStoreOptions } from '../engine/index.js';
import { START } from './conversation.js';
import { median } from './harness.js';
import { conversationKey, storeBot } from './store.bench.js';

/** The stored counts compared, smallest first (`BENCH_SQLITE_FILL=10000,300000` for others). */
const SIZES = (process.env.BENCH_SQLITE_FILL ?? '10000,1000000').split(',').map(Number);
/** Turns a store runs per round, and before the first round (its page cache fills). */
const TURNS = Number(process.env.BENCH_SQLITE_TURNS ?? 5000);
const WARM_UP_TURNS = Number(process.env.BENCH_SQLITE_WARM_UP ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Updates of the filled conversations are spread over this long before the run. */
const SPREAD_MS = 30 * 24 * 3_600_000;

/** What a fill worker is given, as its one argument in JSON. */
export interface FillWorkerConfig {
  readonly file: string;
  readonly conversations: number;
  /** Seeds the worker's choice of keys (not 0). */
  readonly seed: number;
  readonly options: SqliteStoreOptions;
}

/** A worker's answer: the wall and CPU time its turns took, and its resident memory after them. */
export type FillWorkerReply =
  { ok: true; ms: number; cpuMs: number; rss: number } | { ok: false; error: string };

/** Turns a second of one round, by the clock and by the worker's own CPU time. */
interface Rate {
  readonly wall: number;
  readonly cpu: number;
}

type TemplateRow = Record<string, string | number | null>;

/** The row a real turn stores for a conversation waiting at its first ask. */
async function templateRow(dir: string): Promise<TemplateRow> {
  const file = join(dir, 'template.db');
  const store = new SqliteStore(file);
  await storeBot(store).start(conversationKey(0), { startParam: START, channel: 'telegram' });
  await store.close();
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare<[], TemplateRow>('SELECT * FROM conversations').get();
    if (row === undefined) throw new Error('the template turn stored nothing');
    return row;
  } finally {
    db.close();
  }
}

/** 0 … count - 1 in an order that looks random but is the same on every run. */
function shuffled(count: number): Uint32Array {
  const order = Uint32Array.from({ length: count }, (_, index) => index);
  let seed = 0x9e3779b9;
  for (let last = count - 1; last > 0; last--) {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    const other = seed % (last + 1);
    [order[last], order[other]] = [order[other] ?? 0, order[last] ?? 0];
  }
  return order;
}

/**
 * A new store file holding `count` copies of the template row under keys like a messenger's, in
 * random order, each last updated at a random time of the month before. The store makes its own
 * schema first, so the file is what SqliteStore itself would have grown.
 */
async function filledFile(dir: string, count: number, template: TemplateRow): Promise<string> {
  const file = join(dir, `filled-${count}.db`);
  await new SqliteStore(file).close();
  const db = new Database(file);
  // Set-up, not measured: a big cache and no syncs make the fill quick.
  db.pragma('cache_size = -262144');
  db.pragma('synchronous = OFF');
  const columns = Object.keys(template).filter((column) => column !== 'key');
  const insert = db.prepare<TemplateRow>(
    `INSERT INTO conversations (key, ${columns.join(', ')})
     VALUES (@key, ${columns.map((column) => `@${column}`).join(', ')})`,
  );
  const now = Date.now();
  const order = shuffled(count);
  db.transaction(() => {
    for (const index of order) {
      const updated = now - ((index * 2_654_435_761) % SPREAD_MS);
      insert.run({ ...template, key: conversationKey(index), updated_at: updated, started_at: updated });
    }
  })();
  db.close();
  return file;
}

/** A SqliteStore on a filled file, in its own process, running turns when asked. */
class FillWorker {
  private pending: ((reply: FillWorkerReply) => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (reply: FillWorkerReply) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.(reply);
    });
    child.on('exit', (code) => {
      this.pending?.({ ok: false, error: `the worker exited with ${code ?? 'a signal'}` });
    });
  }

  static async start(config: FillWorkerConfig): Promise<FillWorker> {
    // fork() passes on this process's execArgv, so the worker runs under the same tsx loader.
    const child = fork(fileURLToPath(new URL('sqlite-fill-worker.ts', import.meta.url)), [
      JSON.stringify(config),
    ]);
    const worker = new FillWorker(child);
    await worker.answer();
    return worker;
  }

  async run(turns: number): Promise<{ rate: Rate; rss: number }> {
    const answered = this.answer();
    this.child.send({ turns });
    const { ms, cpuMs, rss } = await answered;
    return { rate: { wall: (turns * 1000) / ms, cpu: (turns * 1000) / cpuMs }, rss };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    await exited;
  }

  private async answer(): Promise<{ ms: number; cpuMs: number; rss: number }> {
    const reply = await new Promise<FillWorkerReply>((resolve) => {
      this.pending = resolve;
    });
    if (!reply.ok) throw new Error(`sqlite fill worker: ${reply.error}`);
    return reply;
  }
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

/** Median and range of one side of the rounds, e.g. "5,012 (4,800–5,300)". */
function spread(values: readonly number[], format: (n: number) => string): string {
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

const ratio = (n: number) => `${n.toFixed(2)}×`;

/**
 * One line per stored count (turns/s by the clock and per CPU second of the store's process,
 * median and range over the rounds; resident memory after them; the filled file's bytes a
 * conversation), then each larger count's ratio to the smallest, round by round.
 */
export async function sqliteFillFigures(options: SqliteStoreOptions = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-fill-'));
  const workers: FillWorker[] = [];
  try {
    const template = await templateRow(dir);
    const files: { count: number; file: string; bytes: number; fillMs: number }[] = [];
    for (const count of SIZES) {
      const started = performance.now();
      const file = await filledFile(dir, count, template);
      files.push({ count, file, bytes: statSync(file).size, fillMs: performance.now() - started });
    }
    for (const [index, { count, file }] of files.entries()) {
      workers.push(
        await FillWorker.start({ file, conversations: count, seed: 2_463_534_242 + index, options }),
      );
    }
    for (const worker of workers) await worker.run(WARM_UP_TURNS);
    const rates = workers.map((): Rate[] => []);
    const rss = workers.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which store goes first, so neither always gets the warmer (or busier) slot.
      const order = round % 2 === 0 ? [...workers.keys()] : [...workers.keys()].reverse();
      for (const index of order) {
        const measured = await workers[index]?.run(TURNS);
        if (measured === undefined) continue;
        rates[index]?.push(measured.rate);
        rss[index] = measured.rss;
      }
    }
    const lines = files.map(({ count, bytes, fillMs }, index) => {
      const own = rates[index] ?? [];
      return (
        `${thousands(count)} stored: ${spread(
          own.map(({ wall }) => wall),
          thousands,
        )} turns/s, ${spread(
          own.map(({ cpu }) => cpu),
          thousands,
        )} turns per CPU second; RSS ${mib(rss[index] ?? 0)}; ` +
        `file ${thousands(bytes / count)} bytes a conversation (filled in ${thousands(fillMs)} ms)`
      );
    });
    const smallest = rates[0] ?? [];
    for (const [index, { count }] of files.entries()) {
      const own = rates[index] ?? [];
      if (index === 0) continue;
      const slower = (side: keyof Rate) =>
        own.map((rate, round) => (smallest[round]?.[side] ?? 0) / rate[side]);
      lines.push(
        `${thousands(count)} against ${thousands(files[0]?.count ?? 0)}: ${spread(slower('wall'), ratio)} ` +
          `by the clock, ${spread(slower('cpu'), ratio)} by CPU time`,
      );
    }
    return lines;
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}
