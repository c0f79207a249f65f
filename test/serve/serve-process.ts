import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { ROOT } from '../cli/run-cli.js';

const BIN = `${ROOT}dist/cli/bin.js`;

/** One log line of `serve`, as pino writes it. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** A `botflow serve` process of the test's own, on a free port, read through its JSON log. */
export class ServeProcess {
  readonly logs: LogLine[] = [];
  stderr = '';
  /** Where the JSON API listens, known once `serve` logs `listening`. */
  url = '';
  private readonly exited: Promise<number | null>;
  private readonly waiters: { test: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];

  private constructor(private readonly child: ChildProcessByStdio<null, Readable, Readable>) {
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    createInterface({ input: child.stdout }).on('line', (text) => {
      this.record(JSON.parse(text) as LogLine);
    });
  }

  /** Starts `serve` with `args` (after the script) and waits until it listens. */
  static async start(
    script: string,
    args: readonly string[],
    env: Readonly<Record<string, string>> = {},
  ): Promise<ServeProcess> {
    const child = spawn(process.execPath, [BIN, 'serve', script, '--http', '0', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const serving = new ServeProcess(child);
    const listening = await Promise.race([
      serving.waitForLog((line) => line.msg === 'listening'),
      serving.exited.then((code) => {
        throw new Error(`serve exited with ${code} before it listened:\n${serving.stderr}`);
      }),
    ]);
    serving.url = String(listening.url);
    return serving;
  }

  /** Sends `signal` and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  /** The first log line (already written or still to come) that `test` accepts. */
  waitForLog(test: (line: LogLine) => boolean): Promise<LogLine> {
    const found = this.logs.find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }

  /** Every line as written, for checks that no secret was logged. */
  get output(): string {
    return this.logs.map((line) => JSON.stringify(line)).join('\n');
  }

  async post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(this.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  async get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(this.url + path);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  private record(line: LogLine): void {
    this.logs.push(line);
    for (const waiter of this.waiters.filter(({ test }) => test(line))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  }
}
