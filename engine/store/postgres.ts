import { createHash, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Pg from 'pg';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { BotflowError } from '../error.js';
import { holdLock, type LockCommands, type LockTimes } from './redis-lock.js';
import {
  checkLinkRecord,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './links.js';
import {
  isStatus,
  LIST_PAGE,
  type FunnelCount,
  type ListedConversation,
  type ListFilter,
  type ReportingStore,
  type StoredRecord,
  type TurnSummary,
  type Unlock,
} from './types.js';
import { StoreUncertainError, StoreUnavailableError } from './unavailable.js';
import { withoutCredentials } from './where.js';

export interface PostgresStoreOptions {
  /**
   * Put before the name of each table the store makes (default `botflow_`), so several bots can
   * share one database: lower-case letters, digits and `_`, starting with a letter or `_`. A URL
   * can carry it as `?tablePrefix=name`; this option wins over it.
   */
  readonly tablePrefix?: string;
  /**
   * Make the tables when they are not there (default true). With false the store only opens tables
   * that exist, refusing with `store.unavailable` when there are none, and writes nothing on
   * opening: what a reader of another process's store (`botflow report`, a read-only role) needs.
   */
  readonly create?: boolean;
  /** Forget a conversation this long after its last write (default: keep it). */
  readonly ttlMs?: number;
  /** How many connections the store opens at most (default 10); only for a store made from a URL. */
  readonly poolSize?: number;
  /** How long a turn holds a conversation unless renewed (default 30 s): a crashed holder's delay. */
  readonly lockTtlMs?: number;
  /** How long a turn waits for a conversation another process holds (default 60 s). */
  readonly lockWaitMs?: number;
}

/** The tables' layout this botflow makes and reads; a database made by a later one is refused. */
const SCHEMA_VERSION = 1;

const TABLE_PREFIX = /^[a-z_][a-z0-9_]{0,40}$/;

/**
 * Options of the pool a store opens from a URL. A turn waits at most 5 s for a connection (a free
 * one of the pool's, or a new one: pg's one timeout bounds both, so it leaves room for a burst of
 * turns; a server that is down refuses the connection at once). The server cancels a statement
 * after 5 s, and the client gives up waiting for an answer a second later (the server stalled, or
 * the connection died silently), so a turn fails instead of hanging. Keep-alive lets a dead peer
 * be noticed on an idle connection.
 */
const FAIL_FAST = Object.freeze({
  connectionTimeoutMillis: 5000,
  statement_timeout: 5000,
  query_timeout: 6000,
  keepAlive: true,
});

/** How long a lock is held unless renewed by default (`lockTtlMs`). */
const DEFAULT_LOCK_TTL_MS = 30_000;

/**
 * pg, loaded when a store opens its own pool rather than with the engine: most programs that
 * import the engine (and every botflow command but `serve`) never open a PostgreSQL store.
 */
const pg = () => createRequire(import.meta.url)('pg') as typeof Pg;

/** The statements of one table prefix, written once. */
function statements(prefix: string) {
  const conversations = `${prefix}conversations`;
  const funnel = `${prefix}funnel`;
  const links = `${prefix}links`;
  const locks = `${prefix}locks`;
  const schema = `${prefix}schema`;
  // An expired row reads as absent; `now` is the caller's clock, as in the other stores.
  const live = (now: string, column = 'expires_at') => `(${column} IS NULL OR ${column} > ${now})`;
  const summarySet = `channel = $6, status = $7, block = $8, result = $9, started_at = COALESCE($10, ${conversations}.started_at)`;
  // Added with the record or not at all: a CTE that runs only when the record was written, in
  // the same statement. Counts of one counter are summed first (ON CONFLICT takes each row once),
  // and counters are taken in one order for every turn, so two turns never wait for each other's.
  const counted = (written: string) => `, counted AS (
      INSERT INTO ${funnel} (block, edge, count)
      SELECT block, edge, sum(count) FROM unnest($11::text[], $12::text[], $13::bigint[]) AS c(block, edge, count)
      WHERE EXISTS (SELECT 1 FROM ${written}) GROUP BY block, edge ORDER BY block, edge
      ON CONFLICT (block, edge) DO UPDATE SET count = ${funnel}.count + excluded.count)`;
  const listed = `key, data, started_at, updated_at, channel, status, block, result`;
  return {
    lockName: `botflow schema ${prefix}`,
    schemaTable: schema,
    schemaExists: `SELECT to_regclass($1) IS NOT NULL AS present`,
    // Made in one transaction under an advisory lock, so two processes opening at once do not race.
    create: [
      `CREATE TABLE IF NOT EXISTS ${schema} (version integer NOT NULL)`,
      `INSERT INTO ${schema} (version) SELECT ${SCHEMA_VERSION} WHERE NOT EXISTS (SELECT 1 FROM ${schema})`,
      // Keys sort by their bytes (COLLATE "C"): the listing's cursor needs one fixed order.
      `CREATE TABLE IF NOT EXISTS ${conversations} (
        key text COLLATE "C" PRIMARY KEY,
        data text NOT NULL,
        version integer NOT NULL,
        updated_at bigint NOT NULL,
        expires_at bigint,
        writer uuid NOT NULL,
        started_at bigint,
        channel text,
        status text,
        block text,
        result text)`,
      `CREATE INDEX IF NOT EXISTS ${conversations}_by_update ON ${conversations} (updated_at, key)`,
      `CREATE TABLE IF NOT EXISTS ${funnel} (
        block text NOT NULL, edge text NOT NULL, count bigint NOT NULL, PRIMARY KEY (block, edge))`,
      `CREATE TABLE IF NOT EXISTS ${links} (
        id text COLLATE "C" PRIMARY KEY,
        data text NOT NULL,
        created_at bigint NOT NULL,
        expires_at bigint,
        clicks integer NOT NULL DEFAULT 0)`,
      `CREATE INDEX IF NOT EXISTS ${links}_by_creation ON ${links} (created_at, id)`,
      // Unlogged: no write-ahead log for a hold that lasts a turn; a crash of the server empties
      // it, and the compare-and-set still refuses a turn whose hold was lost.
      `CREATE UNLOGGED TABLE IF NOT EXISTS ${locks} (
        key text COLLATE "C" PRIMARY KEY, token uuid NOT NULL, expires_at timestamptz NOT NULL)`,
    ],
    schemaVersion: `SELECT max(version) AS version FROM ${schema}`,
    sweep: `DELETE FROM ${conversations} WHERE expires_at <= $1`,
    sweepLinks: `DELETE FROM ${links} WHERE expires_at <= $1`,
    get: `SELECT data, version, updated_at FROM ${conversations} WHERE key = $1 AND ${live('$2')}`,
    // A new conversation fails on a live row; an expired one is replaced as if it were absent.
    insert: `WITH written AS (
        INSERT INTO ${conversations} AS c (key, data, version, updated_at, expires_at, writer, channel, status, block, result, started_at)
        VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (key) DO UPDATE SET
          data = excluded.data, version = 1, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
          writer = excluded.writer, channel = excluded.channel, status = excluded.status, block = excluded.block,
          result = excluded.result, started_at = excluded.started_at
        WHERE NOT ${live('$3', 'c.expires_at')}
        RETURNING version)${counted('written')}
      SELECT version FROM written`,
    // Compare-and-set in one statement: it changes a row only while its version is still
    // `expected` ($6 here, $14 with a summary, whose counts go in with it).
    update: `UPDATE ${conversations} SET data = $2, version = version + 1, updated_at = $3, expires_at = $4, writer = $5
      WHERE key = $1 AND version = $6 AND ${live('$3')} RETURNING version`,
    updateSummarized: `WITH written AS (
        UPDATE ${conversations} SET data = $2, version = version + 1, updated_at = $3, expires_at = $4, writer = $5,
          ${summarySet}
        WHERE key = $1 AND version = $14 AND ${live('$3')}
        RETURNING version)${counted('written')}
      SELECT version FROM written`,
    writtenBy: `SELECT version FROM ${conversations} WHERE key = $1 AND writer = $2`,
    remove: `DELETE FROM ${conversations} WHERE key = $1`,
    // A cursor, not an offset: each page starts past the last (update time, key) read.
    firstPage: `SELECT ${listed} FROM ${conversations}
      WHERE updated_at >= $1 AND updated_at < $2 AND ${live('$3')} AND ($4::text IS NULL OR status = $4)
      ORDER BY updated_at, key LIMIT ${LIST_PAGE}`,
    nextPage: `SELECT ${listed} FROM ${conversations}
      WHERE (updated_at, key) > ($1, $5) AND updated_at < $2 AND ${live('$3')} AND ($4::text IS NULL OR status = $4)
      ORDER BY updated_at, key LIMIT ${LIST_PAGE}`,
    funnelCounts: `SELECT block, edge, count FROM ${funnel}`,
    purge: `DELETE FROM ${conversations} WHERE status IN ('ended', 'error') AND updated_at < $1`,
    // A new link fails on a live row under its id; an expired one is replaced as if absent.
    createLink: `INSERT INTO ${links} AS l (id, data, created_at, expires_at, clicks) VALUES ($1, $2, $3, $4, 0)
      ON CONFLICT (id) DO UPDATE SET
        data = excluded.data, created_at = excluded.created_at, expires_at = excluded.expires_at, clicks = 0
      WHERE NOT ${live('$3', 'l.expires_at')}`,
    readLink: `SELECT data, created_at, expires_at, clicks FROM ${links} WHERE id = $1 AND ${live('$2')}`,
    // One statement counts and reads back, so two visits at once both count.
    visitLink: `UPDATE ${links} SET clicks = clicks + 1 WHERE id = $1 AND ${live('$2')}
      RETURNING data, created_at, expires_at, clicks`,
    linkPage: `SELECT id, data, created_at, expires_at, clicks FROM ${links}
      WHERE ${live('$1')} AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT ${LIST_PAGE}`,
    // The hold's expiry is by the server's clock, the one clock every process sharing it agrees on.
    take: `INSERT INTO ${locks} AS l (key, token, expires_at) VALUES ($1, $2, clock_timestamp() + $3 * interval '1 millisecond')
      ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
      WHERE l.token = excluded.token OR l.expires_at <= clock_timestamp()`,
    renew: `UPDATE ${locks} SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' WHERE key = $1 AND token = $2`,
    unlock: `DELETE FROM ${locks} WHERE key = $1 AND token = $2`,
  };
}

type Statements = ReturnType<typeof statements>;

/**
 * Conversations in PostgreSQL: the store for several engine processes sharing sessions, in the
 * database a team already keeps and backs up.
 */
export class PostgresStore implements ReportingStore, LinkStore {
  /** Where the store connects, for logs and errors: the URL without its credentials. */
  readonly where: string;
  private readonly pool: Pool;
  private readonly owned: boolean;
  private readonly sql: Statements;
  private readonly ttlMs: number | undefined;
  private readonly create: boolean;
  /** A URL without a password (nor PGPASSWORD): a server asking for one is told apart from an outage. */
  private readonly passwordMissing: boolean;
  private readonly lockTimes: LockTimes;
  private readonly lockCommands: LockCommands<'OK'>;
  /** The name each statement is prepared under, on each connection of the pool. */
  private readonly statementNames = new Map<string, string>();
  /** The tables, made (or checked) on first use; a failed attempt is tried again by the next call. */
  private ready: Promise<void> | undefined;

  /**
   * The pg pool options of a pool the store opens from a URL, to start a pool of your own from:
   * `new Pool({ connectionString, ...PostgresStore.connectionOptions, max: 20 })`.
   */
  static readonly connectionOptions = FAIL_FAST;

  /** `connection`: a `postgres://` URL (this store opens and closes a pool) or a pool the caller owns. */
  constructor(connection: Pool | string, options: PostgresStoreOptions = {}) {
    const source = typeof connection === 'string' ? { url: checkedUrl(connection) } : { pool: connection };
    const prefix =
      options.tablePrefix ?? ('url' in source ? source.url.tablePrefix : undefined) ?? 'botflow_';
    if (!TABLE_PREFIX.test(prefix)) {
      throw new BotflowError(
        'store.bad-option',
        `the PostgreSQL table prefix "${prefix}" cannot be used: it takes 1 to 41 lower-case letters, digits and _, not starting with a digit`,
      );
    }
    const poolSize = wholeNumber('the PostgreSQL pool size', options.poolSize ?? 10, 1);
    this.sql = statements(prefix);
    // The expiry and lock times go into bigint and interval arithmetic on the server: a fraction
    // there would fail every write, so it is refused here.
    this.ttlMs =
      options.ttlMs === undefined ? undefined : wholeNumber('the PostgreSQL ttlMs', options.ttlMs, 1);
    this.create = options.create ?? true;
    this.owned = 'url' in source;
    if ('url' in source) {
      const { where, connectionString, hasPassword } = source.url;
      this.where = where;
      this.passwordMissing = !hasPassword && process.env.PGPASSWORD === undefined;
      this.pool = new (pg().Pool)({ connectionString, max: poolSize, Client: closingClient(), ...FAIL_FAST });
    } else {
      this.pool = source.pool;
      this.passwordMissing = false;
      const { connectionString, host = 'localhost', port = 5432, database = '' } = source.pool.options;
      this.where =
        (connectionString === undefined ? undefined : withoutCredentials(connectionString)) ??
        `postgres://${host}:${port}/${database}`;
    }
    // A connection that breaks while idle in the pool is an event, not a crash: the next query reconnects.
    if (this.owned) this.pool.on('error', () => undefined);
    this.lockTimes = {
      ttlMs: wholeNumber('the PostgreSQL lockTtlMs', options.lockTtlMs ?? DEFAULT_LOCK_TTL_MS, 1),
      waitMs: wholeNumber('the PostgreSQL lockWaitMs', options.lockWaitMs ?? 60_000, 0),
    };
    this.lockCommands = {
      take: async (key, token, ttlMs) =>
        (await this.query(this.sql.take, [key, token, ttlMs])).rowCount === 1 ? 'OK' : null,
      renew: (key, token, ttlMs) => this.query(this.sql.renew, [key, token, ttlMs]),
      unlock: (key, token) => this.query(this.sql.unlock, [key, token]),
    };
  }

  async get(key: string): Promise<StoredRecord | undefined> {
    const [row] = (await this.query<RecordRow>(this.sql.get, [key, Date.now()])).rows;
    return row && { data: row.data, version: row.version, writtenAt: Number(row.updated_at) };
  }

  /**
   * One statement writes the record and adds its funnel counts. A write whose answer is lost (the
   * connection broke after it was sent) is read back by the token it stored: found, it was applied;
   * otherwise the turn fails with `store.uncertain`.
   */
  async put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined> {
    // The tables first: the time of writing (and the expiry from it) is when the write is sent.
    await this.tables();
    const now = Date.now();
    const writer = randomUUID();
    const record = [key, data, now, this.ttlMs === undefined ? null : now + this.ttlMs, writer];
    const counts = summary?.counts ?? [];
    const summarized = [
      ...record,
      summary?.channel ?? null,
      summary?.status ?? null,
      summary?.block ?? null,
      summary?.result ?? null,
      summary?.begins === true ? now : null,
      counts.map(({ block }) => block),
      counts.map(({ edge }) => edge),
      counts.map(({ count }) => count),
    ];
    const [text, values] =
      expected === undefined
        ? [this.sql.insert, summarized]
        : summary === undefined
          ? [this.sql.update, [...record, expected]]
          : [this.sql.updateSummarized, [...summarized, expected]];
    try {
      const { rows } = await this.query<{ version: number }>(text, values);
      return rows[0]?.version;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError) || !error.mayHaveRun) throw error;
      const [applied] = await this.query<{ version: number }>(this.sql.writtenBy, [key, writer]).then(
        ({ rows }) => rows,
        () => [],
      );
      if (applied !== undefined) return applied.version;
      throw new StoreUncertainError(
        `the session store at ${this.where} did not confirm a write to conversation "${key}", which may have been applied`,
        { cause: error },
      );
    }
  }

  async delete(key: string): Promise<void> {
    await this.query(this.sql.remove, [key]);
  }

  /** Holds the conversation `key` for one turn across every process sharing this database. */
  async lock(key: string): Promise<Unlock> {
    return (await holdLock(this.lockCommands, key, key, this.lockTimes)).unlock;
  }

  /** Pages by (update time, key) after the last row read, so a page costs the same however deep. */
  async *conversations(filter: ListFilter = {}): AsyncIterable<ListedConversation> {
    const bounds = [
      filter.since ?? Number.MIN_SAFE_INTEGER,
      filter.until ?? Number.MAX_SAFE_INTEGER,
      Date.now(),
      filter.status ?? null,
    ];
    let after: readonly [number, string] | undefined;
    for (;;) {
      const { rows } = await this.query<ListedRow>(
        after === undefined ? this.sql.firstPage : this.sql.nextPage,
        after === undefined ? bounds : [after[0], ...bounds.slice(1), after[1]],
      );
      for (const row of rows) {
        const updated = Number(row.updated_at);
        yield {
          key: row.key,
          data: row.data,
          started: row.started_at === null ? null : Number(row.started_at),
          updated,
          channel: row.channel,
          status: isStatus(row.status) ? row.status : null,
          block: row.block,
          result: row.result,
        };
        after = [updated, row.key];
      }
      if (rows.length < LIST_PAGE) return;
    }
  }

  async funnelCounts(): Promise<FunnelCount[]> {
    const { rows } = await this.query<{ block: string; edge: string; count: string }>(this.sql.funnelCounts);
    return rows.map(({ block, edge, count }) => ({ block, edge, count: Number(count) }));
  }

  async purgeEnded(before: number): Promise<number> {
    return (await this.query(this.sql.purge, [before])).rowCount ?? 0;
  }

  async createLink(id: string, data: string, times: LinkTimes): Promise<boolean> {
    checkLinkRecord(id, data, times);
    const values = [id, data, times.now, times.expiresAt ?? null];
    return (await this.query(this.sql.createLink, values)).rowCount === 1;
  }

  async readLink(id: string, now: number): Promise<LinkRecord | undefined> {
    const [row] = (await this.query<LinkRow>(this.sql.readLink, [id, now])).rows;
    return row && fromLinkRow(row);
  }

  async visitLink(id: string, now: number): Promise<LinkRecord | undefined> {
    const [row] = (await this.query<LinkRow>(this.sql.visitLink, [id, now])).rows;
    return row && fromLinkRow(row);
  }

  async *listLinks(now: number): AsyncIterable<ListedLink> {
    let after: readonly [number, string] = [Number.MIN_SAFE_INTEGER, ''];
    for (;;) {
      const { rows } = await this.query<LinkRow & { id: string }>(this.sql.linkPage, [now, ...after]);
      for (const row of rows) yield { id: row.id, ...fromLinkRow(row) };
      const last = rows.at(-1);
      if (rows.length < LIST_PAGE || last === undefined) return;
      after = [Number(last.created_at), last.id];
    }
  }

  /** Closes the pool when this store opened it; a pool passed in stays the caller's. */
  async close(): Promise<void> {
    if (this.owned) await this.pool.end();
  }

  /**
   * Runs one statement once the tables are there, any failure as a StoreUnavailableError. Each is
   * a named prepared statement: a connection plans it once instead of on every turn.
   */
  private async query<Row extends QueryResultRow>(text: string, values: unknown[] = []) {
    await this.tables();
    const name = this.statementName(text);
    return this.run((client) => client.query<Row>({ name, text, values }));
  }

  private statementName(text: string): string {
    let name = this.statementNames.get(text);
    if (name === undefined) {
      // Named after its text: stores sharing a pool (other prefixes) never reuse a name for another.
      name = `botflow_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
      this.statementNames.set(text, name);
    }
    return name;
  }

  /** Runs `work` on a pooled connection; a connection that cannot be had ran nothing. */
  private async run<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.unavailable(error, false);
    }
    let broken: unknown;
    try {
      return await work(client);
    } catch (error) {
      // An answer from the server (an SQLSTATE) means the statement ended and applied nothing;
      // anything else (the connection broke, a timeout) may have left it running.
      const refused = isServerError(error);
      if (!refused) broken = error;
      throw this.unavailable(error, !refused);
    } finally {
      // A connection that broke is thrown away rather than handed to the next turn.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  private tables(): Promise<void> {
    this.ready ??= this.makeTables().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /**
   * Makes the tables (if need be) and the expired records' sweep, once per store; a store that may
   * not create only checks that its tables are there, and writes nothing.
   */
  private async makeTables(): Promise<void> {
    const version = this.create ? await this.createTables() : await this.existingVersion();
    if (version > SCHEMA_VERSION) {
      throw new BotflowError(
        'store.unavailable',
        `the session store at ${this.where} was made by a later botflow (schema version ${version}; this one reads ${SCHEMA_VERSION}): upgrade botflow`,
      );
    }
    if (!this.create) return;
    const now = Date.now();
    await this.run((client) => client.query(this.sql.sweep, [now]));
    await this.run((client) => client.query(this.sql.sweepLinks, [now]));
  }

  private async existingVersion(): Promise<number> {
    const { rows } = await this.run((client) =>
      client.query<{ present: boolean }>(this.sql.schemaExists, [this.sql.schemaTable]),
    );
    if (rows[0]?.present !== true) {
      throw new StoreUnavailableError(
        `there is no session store at ${this.where} (no table ${this.sql.schemaTable})`,
      );
    }
    const versions = await this.run((client) => client.query<{ version: number }>(this.sql.schemaVersion));
    return versions.rows[0]?.version ?? SCHEMA_VERSION;
  }

  private createTables(): Promise<number> {
    return this.run(async (client) => {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.sql.lockName]);
        for (const statement of this.sql.create) await client.query(statement);
        const { rows } = await client.query<{ version: number }>(this.sql.schemaVersion);
        await client.query('COMMIT');
        return rows[0]?.version ?? SCHEMA_VERSION;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /** Turns a lost connection or a refusal into one clear error. */
  private unavailable(error: unknown, mayHaveRun: boolean): StoreUnavailableError {
    if (error instanceof StoreUnavailableError) return error;
    // The server's own message names no password (PostgreSQL never echoes one back).
    const message = isServerError(error)
      ? `the session store at ${this.where} refused the command: ${error.message}`
      : // pg's own complaint when the server asks for a password it was not given (no SQLSTATE).
        this.passwordMissing && error instanceof Error && /\bpassword\b/i.test(error.message)
        ? `the session store at ${this.where} asks for a password and its URL gives none: write it as postgres://user:password@host/database`
        : `cannot reach the session store at ${this.where}`;
    return new StoreUnavailableError(message, { cause: error, mayHaveRun });
  }
}

interface RecordRow {
  data: string;
  version: number;
  updated_at: string;
}

interface ListedRow {
  key: string;
  data: string;
  started_at: string | null;
  updated_at: string;
  channel: string | null;
  status: string | null;
  block: string | null;
  result: string | null;
}

/** bigint columns come back from pg as text, so no value past 2^53 is rounded silently. */
interface LinkRow {
  data: string;
  created_at: string;
  expires_at: string | null;
  clicks: number;
}

function fromLinkRow(row: LinkRow): LinkRecord {
  return {
    data: row.data,
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? undefined : Number(row.expires_at),
    clicks: row.clicks,
  };
}

/**
 * An error the server sent (a 5-character SQLSTATE and a severity), as opposed to a broken or
 * unmade connection. Told by its shape, not its class: a pool passed in may come from the
 * application's own copy of pg, whose DatabaseError is another class.
 */
function isServerError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** `value` when it is a whole number of at least `least`, or a BotflowError naming `what`. */
function wholeNumber(what: string, value: number, least: number): number {
  if (!Number.isInteger(value) || value < least) {
    throw new BotflowError(
      'store.bad-option',
      `${what} must be a whole number of at least ${least}, not ${value}`,
    );
  }
  return value;
}

let closingClientClass: typeof Pg.Client | undefined;

/**
 * pg's Client, closing its socket when connecting fails. pg's pool drops such a client with its
 * socket open, and a server still waiting for the client's password keeps it (and with it the
 * process) until its authentication_timeout, a minute.
 */
function closingClient(): typeof Pg.Client {
  closingClientClass ??= class extends pg().Client {
    override connect(): Promise<Pg.Client>;
    override connect(callback: (error: Error | null) => void): void;
    override connect(callback?: (error: Error | null) => void): Promise<Pg.Client> | void {
      if (callback === undefined) return super.connect();
      super.connect((error: Error | null) => {
        if (error) this.connection.stream.destroy();
        callback(error);
      });
    }
  };
  return closingClientClass;
}

/** What a store takes from its URL. */
interface ReadUrl {
  /** The URL to hand to pg: without `?tablePrefix=`, which is the store's, not pg's. */
  readonly connectionString: string;
  /** How to name it: without credentials. */
  readonly where: string;
  readonly tablePrefix: string | undefined;
  readonly hasPassword: boolean;
}

/**
 * A `postgres://` or `postgresql://` URL as pg can read it, and how to name it; or a BotflowError
 * that says what is wrong without quoting the URL, which can hold a password.
 */
function checkedUrl(url: string): ReadUrl {
  const shape = 'it takes the form postgres://[user[:password]@]host[:port]/database';
  const parsed = URL.parse(url);
  if (parsed === null || !/^postgres(ql)?:$/i.test(parsed.protocol)) {
    throw new BotflowError('store.bad-option', `the PostgreSQL URL is not a valid URL; ${shape}`);
  }
  // A Unix socket's folder may come as `?host=/run/postgresql` instead.
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) {
    throw new BotflowError('store.bad-option', `the PostgreSQL URL names no host; ${shape}`);
  }
  // pg decodes both, and a "%" not followed by two hex digits makes that throw URIError.
  if (![parsed.username, parsed.password].every(isDecodable)) {
    throw new BotflowError(
      'store.bad-option',
      'the user name or password in the PostgreSQL URL has a "%" that does not start an escape such as %25; write a "%" in it as %25',
    );
  }
  const tablePrefix = parsed.searchParams.get('tablePrefix') ?? undefined;
  parsed.searchParams.delete('tablePrefix');
  return {
    connectionString: tablePrefix === undefined ? url : parsed.href,
    where: withoutCredentials(url) ?? 'the configured PostgreSQL URL',
    tablePrefix,
    hasPassword: parsed.password !== '' || parsed.searchParams.has('password'),
  };
}

function isDecodable(part: string): boolean {
  try {
    decodeURIComponent(part);
    return true;
  } catch {
    return false;
  }
}
