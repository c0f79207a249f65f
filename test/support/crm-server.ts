import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ROOT } from './cli.js';
import { closedPort } from './recording-server.js';

/** examples/crm-server.js, run as a user runs it, on a free port of 127.0.0.1. */
export class ExampleCrm {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcessByStdio<null, Readable, null>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the CRM (expecting `Bearer <token>` when a token is given) and waits until it listens. */
  static async start(token?: string): Promise<ExampleCrm> {
    const port = await closedPort();
    const child = spawn(process.execPath, [join(ROOT, 'examples/crm-server.js'), String(port)], {
      env: { ...process.env, ...(token !== undefined && { CRM_TOKEN: token }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error('the CRM did not start within 10 s'));
      }, 10_000);
      child.stdout.on('data', (chunk: Buffer) => {
        if (!chunk.toString().includes('CRM listening')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the CRM exited with ${String(code)}`));
      });
    });
    return new ExampleCrm(port, child);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill();
    await exited;
  }
}
