/**
 * `botflow serve` throughput: turns a second through its JSON API from CLIENTS keep-alive clients
 * at once, the built command line in a process of its own, beside a bare `node:http` server (in a
 * process of its own too) answering every request with the same JSON, in alternating rounds of the
 * same run; per session store, and each store's rate against memory's. Needs `npm run build`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PostgresServer } from '../test/store/postgres-server.js';
import { RedisCluster } from '../test/store/redis-cluster.js';
import { RedisServer } from '../test/store/redis-server.js';
import { REPLIES, SCRIPT, START } from './conversation.js';
import { median } from './harness.js';

const BIN = fileURLToPath(new URL('../dist/cli-bundle/bin.js', import.meta.url));
/** Requests in flight at once, each client on a keep-alive connection of its own. */
const CLIENTS = 50;
/** Conversations each client takes turns with, round-robin: CLIENTS × this in the store. */
const KEYS_PER_CLIENT = 20;
const ROUND_MS = Number(process.env.BENCH_SERVE_ROUND_MS ?? 3000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TOKEN = 'bench-serve-token-0123456789abcdef';

/** A session store `serve` is started on: its `--store` value, and how to stop what backs it. */
export interface ServeStore {
  readonly name: string;
  /** How many serve processes share the store (default 1); each conversation's turns go to them in turn. */
  readonly processes?: number;
  start(): Promise<{ readonly url: string; stop(): Promise<void> }>;
}

async function startRedisCluster(): Promise<{ url: string; stop(): Promise<void> }> {
  const cluster = await RedisCluster.start();
  return { url: cluster.url, stop: () => cluster.dispose() };
}

/** The stores measured, in order; the first is the one the others are compared with. */
export const serveStores: readonly ServeStore[] = [
  { name: 'memory', start: () => Promise.resolve({ url: 'memory', stop: () => Promise.resolve() }) },
  {
    name: 'SQLite',
    start: () => {
      const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-serve-'));
      return Promise.resolve({
        url: `sqlite:${join(dir, 'sessions.db')}`,
        stop: () => {
          rmSync(dir, { recursive: true, force: true });
          return Promise.resolve();
        },
      });
    },
  },
  {
    name: 'Redis',
    start: async () => {
      const server = await RedisServer.start();
      return { url: server.url, stop: () => server.dispose() };
    },
  },
  {
    name: 'PostgreSQL',
    start: async () => {
      // Durable (fsync on), as a production server runs.
      const server = await PostgresServer.start({ durable: true });
      return { url: server.url, stop: () => server.dispose() };
    },
  },
  { name: 'Redis Cluster', start: startRedisCluster },
  { name: 'Redis Cluster, 2 serve processes', processes: 2, start: startRedisCluster },
];

/** An HTTP server of the bench's own, in a child process: where it listens and how to stop it. */
interface Target {
  readonly url: string;
  /** The most resident memory the process has had, in bytes (Linux; 0 elsewhere). */
  peakRss(): number;
  stop(): Promise<void>;
}

/** Starts a process and resolves with the first stdout line `read` finds a URL in. */
async function started(child: ChildProcess, read: (line: string) => string | undefined): Promise<Target> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const url = await Promise.race([
    (async () => {
      for await (const line of lines) {
        const found = read(line);
        if (found !== undefined) return found;
      }
      return undefined;
    })(),
    exited.then(() => undefined),
  ]);
  if (url === undefined) throw new Error(`the server exited before it listened:\n${stderr}`);
  // Leaving the loop closed the line reader: keep draining stdout, so a log line never blocks the server.
  child.stdout?.resume();
  return {
    url,
    peakRss: () => {
      try {
        const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return Number(kib ?? 0) * 1024;
      } catch {
        return 0;
      }
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill();
      await exited;
    },
  };
}

/** `botflow serve` on the bench's script and `store`, the JSON API on a free loopback port. */
function startServe(script: string, store: string): Promise<Target> {
  const child = spawn(process.execPath, [BIN, 'serve', script, '--http', '0', '--store', store], {
    env: { ...process.env, BOTFLOW_API_TOKEN: TOKEN, BOTFLOW_STORE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, (line) => {
    const log = JSON.parse(line) as { msg?: string; url?: string };
    return log.msg === 'listening' ? log.url : undefined;
  });
}

/** A bare node:http server answering every request, once its body is read, with `body`. */
function startBare(body: string): Promise<Target> {
  const code = `
    const body = Buffer.from(process.env.ANSWER);
    const server = require('node:http').createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
        res.end(body);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log('http://127.0.0.1:' + server.address().port));
    process.on('SIGTERM', () => process.exit(0));`;
  const child = spawn(process.execPath, ['-e', code], {
    env: { ...process.env, ANSWER: body },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(child, (line) => (line.startsWith('http://') ? line : undefined));
}

/** One POST with the token; resolves with the answer's body, fails on any status but 200. */
function post(agent: Agent, url: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const sent = request(
      url,
      {
        agent,
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
        },
      },
      (response) => {
        let answer = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (answer += chunk));
        response.on('end', () => {
          if (response.statusCode === 200) resolve(answer);
          else reject(new Error(`${url}: ${response.statusCode ?? 'no status'} ${answer}`));
        });
      },
    );
    sent.on('error', reject);
    sent.end(text);
  });
}

/**
 * Turns a second against `bases` for `ms`: CLIENTS clients, each running the 3-turn conversation
 * (start, `Moscow`, `5`) over its own keys, turn by turn to the next of `bases`. `checked`: each answer's status must be the turn's
 * (a bare server's fixed answer is only parsed, as a client would). The connections are the
 * round's own: one kept idle through the other side's round could be closed by its server just
 * as it is reused.
 */
async function turnsPerSecond(bases: readonly string[], ms: number, checked: boolean): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const until = performance.now() + ms;
  const started = performance.now();
  let turns = 0;
  const client = async (id: number) => {
    for (let step = 0; performance.now() < until; step++) {
      const key = encodeURIComponent(`bench:${id}:${Math.floor(step / 3) % KEYS_PER_CLIENT}`);
      const base = bases[(id + step) % bases.length] ?? '';
      const reply = step % 3 === 0 ? undefined : REPLIES[(step % 3) - 1];
      const answer = JSON.parse(
        reply === undefined
          ? await post(agent, `${base}/conversations/${key}/start`, { startParam: START, channel: 'bench' })
          : await post(agent, `${base}/conversations/${key}/messages`, { text: reply }),
      ) as { status?: unknown };
      const expected = step % 3 === 2 ? 'ended' : 'waiting';
      if (checked && answer.status !== expected) {
        throw new Error(`${key}: the turn answered ${String(answer.status)}, expected ${expected}`);
      }
      turns++;
    }
  };
  try {
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
  } finally {
    agent.destroy();
  }
  return (turns * 1000) / (performance.now() - started);
}

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

/** Per store: serve's turns/s beside the bare server's (median of the rounds) and their ratio. */
interface StoreFigure {
  readonly name: string;
  readonly serve: number;
  readonly bare: number;
  readonly ratio: number;
  readonly peakRss: number;
}

/** Measures serve on one store against a bare server answering `answer`, rounds alternating. */
async function measureStore(script: string, store: ServeStore, answer: string): Promise<StoreFigure> {
  const backing = await store.start();
  const targets: Target[] = [];
  try {
    const serves: Target[] = [];
    for (let i = 0; i < (store.processes ?? 1); i++) serves.push(await startServe(script, backing.url));
    targets.push(...serves);
    const serveUrls = serves.map(({ url }) => url);
    const bare = await startBare(answer);
    targets.push(bare);
    // Warm-up (not counted): connections, JIT, the store's first conversations.
    await turnsPerSecond(serveUrls, ROUND_MS / 3, true);
    await turnsPerSecond([bare.url], ROUND_MS / 3, false);
    const serveRates: number[] = [];
    const bareRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always gets the warmer (or busier) slot.
      const sides = [
        async () => serveRates.push(await turnsPerSecond(serveUrls, ROUND_MS, true)),
        async () => bareRates.push(await turnsPerSecond([bare.url], ROUND_MS, false)),
      ];
      for (const side of round % 2 === 0 ? sides : sides.reverse()) await side();
    }
    return {
      name: store.name,
      serve: median(serveRates),
      bare: median(bareRates),
      ratio: median(serveRates.map((rate, round) => (bareRates[round] ?? rate) / rate)),
      peakRss: Math.max(...serves.map((serve) => serve.peakRss())),
    };
  } finally {
    await Promise.all(targets.map((target) => target.stop()));
    await backing.stop();
  }
}

/** The answer to the first turn, from a serve on memory: the bare server's body. */
async function firstTurnAnswer(script: string): Promise<string> {
  const serve = await startServe(script, 'memory');
  const agent = new Agent();
  try {
    return await post(agent, `${serve.url}/conversations/bench%3Aanswer/start`, {
      startParam: START,
      channel: 'bench',
    });
  } finally {
    agent.destroy();
    await serve.stop();
  }
}

/** One line per store, then each store against the first (memory); a store that cannot start says why. */
export async function serveFigures(stores: readonly ServeStore[] = serveStores): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'botflow-bench-serve-script-'));
  try {
    const script = join(dir, 'bench.yaml');
    writeFileSync(script, SCRIPT);
    const answer = await firstTurnAnswer(script);
    const lines = [
      `${CLIENTS} keep-alive clients, ${CLIENTS * KEYS_PER_CLIENT} conversations; the bare server answers ` +
        `${Buffer.byteLength(answer)} bytes (serve's answer to a first turn)`,
    ];
    const figures: StoreFigure[] = [];
    for (const store of stores) {
      let figure: StoreFigure;
      try {
        figure = await measureStore(script, store, answer);
      } catch (error) {
        lines.push(`${store.name}: not measured: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      figures.push(figure);
      lines.push(
        `${figure.name}: serve ${thousands(figure.serve)} turns/s, bare node:http ${thousands(figure.bare)} ` +
          `requests/s, ${figure.ratio.toFixed(2)}× slower; serve's peak RSS ${mib(figure.peakRss)}`,
      );
    }
    const [first, ...others] = figures;
    if (first !== undefined) {
      for (const figure of others) {
        lines.push(
          `${figure.name} against ${first.name}: ${(first.serve / figure.serve).toFixed(2)}× slower`,
        );
      }
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
