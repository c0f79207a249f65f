import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../support/free-port.js';

const run = promisify(execFile);

const MISSING =
  'PostgreSQL is not installed (no initdb on PATH nor in /usr/lib/postgresql/*/bin), so the PostgresStore ' +
  "tests cannot run: install Debian's postgresql package (apt-get install -y postgresql; CI installs it in .ci/run)";

/** A table prefix no other store of the run uses, so a store made with it starts on empty tables. */
export const freshPrefix = () => `t${randomUUID().replaceAll('-', '')}_`;

/** The system user PostgreSQL runs as when the tests run as root, which it refuses to run as. */
const SERVER_USER = 'postgres';

/**
 * A real PostgreSQL of the suite's own: a fresh cluster in a temporary folder, on a free loopback
 * port, trusting loopback connections.
 */
export class PostgresServer {
  private running = false;
  private databases = 0;

  private constructor(
    private readonly bin: string,
    private readonly dir: string,
    readonly port: number,
    private readonly asServerUser: boolean,
    private readonly durable: boolean,
  ) {}

  /**
   * `durable`: PostgreSQL's own defaults (fsync on, each commit flushed before it is answered), as a
   * benchmark should measure; otherwise fsync is off, which tests need no more than a crash does.
   */
  static async start({ durable = false }: { durable?: boolean } = {}): Promise<PostgresServer> {
    const bin = binaries();
    if (bin === undefined) throw new Error(MISSING);
    const asServerUser = process.getuid?.() === 0;
    const dir = mkdtempSync(join(tmpdir(), 'botflow-postgres-'));
    const server = new PostgresServer(bin, dir, await freePort(), asServerUser, durable);
    try {
      if (asServerUser) {
        const [uid, gid] = await Promise.all(
          ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, SERVER_USER])).stdout)),
        );
        chownSync(dir, uid ?? 0, gid ?? 0);
      }
      await server.tool('initdb', [
        '-D',
        server.data,
        '-U',
        'postgres',
        '-A',
        'trust',
        '-E',
        'UTF8',
        '--no-locale',
        '--no-sync',
      ]);
      await server.start();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** The server's version, as `postgres --version` prints it. */
  async version(): Promise<string> {
    const { stdout } = await run(join(this.bin, 'postgres'), ['--version']);
    return stdout.trim();
  }

  /** The maintenance database's URL (user `postgres`, no password: loopback is trusted). */
  get url(): string {
    return this.urlOf('postgres');
  }

  /** A fresh, empty database of its own, for a test that needs one no other test writes to. */
  async createDatabase(): Promise<string> {
    const name = `test_${++this.databases}`;
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.urlOf(name);
  }

  /**
   * A login role that must give `password` (scram-sha-256) over loopback, where every other role is
   * trusted; `readOnly` lets it only read (SELECT) the tables of the maintenance database.
   */
  async addPasswordRole(name: string, password: string, { readOnly = false } = {}): Promise<void> {
    const hba = join(this.data, 'pg_hba.conf');
    // The first matching line wins: this one goes before initdb's "trust" lines.
    writeFileSync(hba, `host all ${name} 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, 'utf8')}`);
    await this.tool('pg_ctl', ['-D', this.data, 'reload']);
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`);
      if (readOnly) {
        await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${name}`);
        await client.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO ${name}`);
      }
    } finally {
      await client.end();
    }
  }

  async start(): Promise<void> {
    const settings = [
      '-c listen_addresses=127.0.0.1',
      `-p ${this.port}`,
      `-c unix_socket_directories=${this.dir}`,
      '-c max_connections=200',
      ...(this.durable ? [] : ['-c fsync=off', '-c full_page_writes=off']),
    ].join(' ');
    await this.tool('pg_ctl', [
      '-D',
      this.data,
      '-l',
      join(this.dir, 'server.log'),
      '-o',
      settings,
      '-w',
      'start',
    ]);
    this.running = true;
  }

  /** Stops the server (fast: open connections are cut) and waits until it has exited. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.tool('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  private urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** Runs one of PostgreSQL's programs, as the server's user when the tests run as root. */
  private async tool(name: string, args: readonly string[]): Promise<void> {
    const path = join(this.bin, name);
    const [file, all] = this.asServerUser
      ? ['runuser', ['-u', SERVER_USER, '--', path, ...args]]
      : [path, args];
    try {
      await run(file, all, { cwd: this.dir });
    } catch (error) {
      const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
      throw new Error(`${name} failed:\n${stdout}${stderr}`, { cause: error });
    }
  }
}

/** The folder holding initdb and pg_ctl: on PATH, else Debian's newest /usr/lib/postgresql/N/bin. */
function binaries(): string | undefined {
  const onPath = (process.env.PATH ?? '')
    .split(delimiter)
    .find((dir) => dir !== '' && existsSync(join(dir, 'initdb')));
  if (onPath !== undefined && existsSync(join(onPath, 'pg_ctl'))) return onPath;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  return versions
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
}
