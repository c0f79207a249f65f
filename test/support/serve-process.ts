import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { onTestFinished } from 'vitest';
import { ROOT } from './cli.js';

const BIN = `${ROOT}dist/cli-bundle/bin.js`;

/** One log line of `serve`, as pino writes it. */
export type LogLine = Record<string, unknown> & { msg?: string };

export const parseLogLine = (text: string): LogLine => JSON.parse(text) as LogLine;

/** Runs `node ...args` in `cwd` (the project's root unless given), with `env` over the test's own. */
export function spawnNode(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: Readonly<Record<string, string>> } = {},
): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A process of the test's own, read through its stdout, one `Line` per line written. */
export class WatchedProcess<Line> {
  readonly logs: Line[] = [];
  stderr = '';
  private readonly exited: Promise<number | null>;
  private readonly waiters: { test: (line: Line) => boolean; resolve: (line: Line) => void }[] = [];

  constructor(
    private readonly child: ChildProcessByStdio<null, Readable, Readable>,
    parse: (text: string) => Line,
  ) {
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (text) => {
      this.record(parse(text));
    });
  }

  /** The first line (already written or still to come) that `test` accepts. */
  waitForLog(test: (line: Line) => boolean): Promise<Line> {
    const found = this.logs.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Like waitForLog, but fails with the process's stderr when it exits before writing that line. */
  ready(test: (line: Line) => boolean): Promise<Line> {
    return Promise.race([
      this.waitForLog(test),
      this.exited.then((code) => {
        throw new Error(`the process exited with ${code} before it was ready:\n${this.stderr}`);
      }),
    ]);
  }

  /** Sends `signal` and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  private record(line: Line): void {
    this.logs.push(line);
    for (const waiter of this.waiters.filter(({ test }) => test(line))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }
}

export interface ServeStartOptions {
  /** Serve the JSON API on a free port (`--http 0`); true unless told otherwise. */
  readonly http?: boolean;
  /** The log message that says `serve` is ready: `listening` unless told otherwise. */
  readonly waitFor?: string;
}

/** A `botflow serve` process of the test's own, read through its JSON log. */
export class ServeProcess extends WatchedProcess<LogLine> {
  /** Where the JSON API listens, known once `serve` logs `listening`. */
  url = '';

  /** Starts `serve` with `args` (after the script) and waits until it is ready. */
  static async start(
    script: string,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
    { http = true, waitFor = 'listening' }: ServeStartOptions = {},
  ): Promise<ServeProcess> {
    const httpArgs = http ? ['--http', '0'] : [];
    const serving = new ServeProcess(
      spawnNode([BIN, 'serve', script, ...httpArgs, ...args], { env }),
      parseLogLine,
    );
    // A test that fails part way must not leave a server running (a stopped one ignores this).
    onTestFinished(async () => {
      await serving.stop('SIGKILL');
    });
    if (http) serving.url = String((await serving.ready((line) => line.msg === 'listening')).url);
    await serving.ready((line) => line.msg === waitFor);
    return serving;
  }

  /** Every line as written, for checks that no secret was logged. */
  get output(): string {
    return this.logs.map((line) => JSON.stringify(line)).join('\n');
  }

  async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(this.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(this.url + path, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}
