import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/free-port.js';

const MISSING =
  'redis-server is not installed, so the RedisStore tests cannot run ' +
  '(install it: apt-get install -y redis-server; CI installs it in .ci/run)';

/** A real redis-server of the suite's own, on a free port, that a test can stop and start again. */
export class RedisServer {
  private process: ChildProcess | undefined;
  /** Where a `save()` writes its snapshot, which the next `start()` loads. */
  private readonly dir = mkdtempSync(join(tmpdir(), 'botflow-redis-'));

  private constructor(
    readonly port: number,
    private readonly durable: boolean,
    private readonly more: readonly string[],
  ) {}

  /**
   * `durable`: every write goes to an append-only file, synced before Redis answers, so a stop and
   * start keeps all that was acknowledged (otherwise only what a `save()` wrote survives). `more`:
   * further redis-server options (a cluster node's).
   */
  static async start({
    durable = false,
    more = [],
  }: { durable?: boolean; more?: readonly string[] } = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), durable, more);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        this.durable ? 'yes' : 'no',
        '--appendfsync',
        'always',
        '--dir',
        this.dir,
        ...this.more,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        reject(new Error(error.code === 'ENOENT' ? MISSING : `redis-server did not start: ${error.message}`));
      });
      child.once('exit', (code) => {
        reject(new Error(`redis-server exited with ${code ?? 'a signal'} on port ${this.port}:\n${output}`));
      });
    });
    failed.catch(() => undefined);
    this.process = child;
    await Promise.race([failed, this.waitForPong()]);
  }

  /** Stops the server and waits until it has exited, so the port is free again. */
  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    // Already gone (never started, or exited on its own): nothing to wait for.
    if (child?.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Kills the server at once (SIGKILL), as a crashed host would, and waits until it has exited. */
  async crash(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child?.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connected, but answering nothing, as a swapping host would. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** Freezes the server for `ms`, then thaws it; resolves once it runs again. */
  async freezeFor(ms: number): Promise<void> {
    this.freeze();
    await new Promise((resolve) => setTimeout(resolve, ms));
    this.thaw();
  }

  /** Writes a snapshot (persistence is off otherwise), so data outlives a stop and start. */
  async save(): Promise<void> {
    const reply = await command(this.port, 'SAVE');
    if (reply !== '+OK') throw new Error(`redis-server SAVE answered ${reply}`);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitForPong(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        if ((await command(this.port, 'PING')) === '+PONG') return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} never answered PING`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Sends one inline command and returns the first line of the reply. */
async function command(port: number, text: string): Promise<string> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  try {
    await once(socket, 'connect');
    socket.write(`${text}\r\n`);
    let reply = '';
    while (!reply.includes('\r\n')) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      reply += chunk.toString();
    }
    return reply.slice(0, reply.indexOf('\r\n'));
  } finally {
    socket.destroy();
  }
}
