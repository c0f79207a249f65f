import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { BotflowError } from '../error.js';
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
} from './types.js';

/**
 * better-sqlite3, loaded when a store opens rather than with the engine: most programs that
 * import the engine (and every botflow command but `serve`) never open a SQLite store.
 */
const openDatabase = (path: string) =>
  new (createRequire(import.meta.url)('better-sqlite3') as typeof Database)(path);

export interface SqliteStoreOptions {
  /** Forget a conversation this long after its last write (default: keep it). */
  readonly ttlMs?: number;
  /**
   * The most memory SQLite's own page cache may hold, in MiB (default 2). The
   * operating system's file cache keeps the file as well, and the end of each write transaction
   * costs SQLite time in proportion to its page cache: on a file of a million conversations a
   * 64 MiB cache made each turn slower than a 2 MiB one (see BENCHMARKS.md).
   */
  readonly cacheMiB?: number;
  /**
   * How much of the file SQLite reads through a memory map rather than copies, in MiB (default 0:
   * off). Pages it maps are shared with the operating system's file cache and count towards the
   * process's resident memory; an I/O error on a mapped page stops the process.
   */
  readonly mmapMiB?: number;
}

/**
 * WAL pages written before a commit copies them back into the file (SQLite's default is 1,000).
 * Each copy ends in an fsync of the file, and on a big file the pages to copy are scattered, so
 * fewer, larger copies halve the time a turn waits for the disk; the WAL grows to about 40 MB.
 */
const CHECKPOINT_PAGES = 10_000;

/** The page cache's default bound: SQLite's own default, enough for the inner pages of the B-trees. */
const DEFAULT_CACHE_MIB = 2;

const SCHEMA = `CREATE TABLE IF NOT EXISTS conversations (
  key TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER
);
CREATE TABLE IF NOT EXISTS funnel (
  block TEXT NOT NULL,
  edge TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (block, edge)
) WITHOUT ROWID`;

/**
 * The report's columns beside the record, added to a file an older botflow made (whose rows keep
 * them empty until their next turn). The index orders the listing by update, rowid last.
 */
const REPORT_COLUMNS = {
  started_at: 'INTEGER',
  channel: 'TEXT',
  status: 'TEXT',
  block: 'TEXT',
  result: 'TEXT',
} as const;
const UPDATE_INDEX = 'CREATE INDEX IF NOT EXISTS conversations_by_update ON conversations (updated_at)';

// Start tokens and short links: a table of their own, so no link id can meet a conversation key.
const LINKS_SCHEMA = `CREATE TABLE IF NOT EXISTS links (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  clicks INTEGER NOT NULL DEFAULT 0
)`;

const LINK_COLUMNS = 'data, created_at AS createdAt, expires_at AS expiresAt, clicks';

// An expired row reads as absent; `@now` is bound on every statement so expiry needs no sweeper.
const LIVE = '(expires_at IS NULL OR expires_at > @now)';

/**
 * The most funnel counters one statement adds (a turn of a few blocks adds a handful): few
 * statements a turn, few prepared statements kept, far below SQLite's limit of bound values.
 */
const COUNTS_PER_STATEMENT = 64;

/** What a summary sets beside the record. */
const SUMMARY_SET = `channel = @channel, status = @status, block = @block, result = @result,
  started_at = COALESCE(@started, started_at)`;

/** Conversations in one SQLite file: the embedded store for a single-process bot that restarts. */
export class SqliteStore implements ReportingStore, LinkStore {
  private readonly db: Database.Database;
  private readonly ttlMs: number | undefined;
  private readonly select: Database.Statement<{ key: string; now: number }, StoredRecord>;
  private readonly insert: Database.Statement<Row>;
  private readonly update: Database.Statement<Row & { expected: number }>;
  private readonly updateSummarized: Database.Statement<Row & { expected: number }>;
  /** The funnel upsert of n counters at once, by n (up to COUNTS_PER_STATEMENT). */
  private readonly countStatements = new Map<number, Database.Statement<(string | number)[]>>();
  private readonly remove: Database.Statement<[string]>;
  private readonly linkStatements: LinkStatements;
  private readonly page: Database.Statement<PageQuery, ListedRow>;
  private readonly writeCounted: (write: () => boolean, counts: readonly FunnelCount[]) => boolean;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.ttlMs = options.ttlMs;
    const cacheMiB = megabytes('cacheMiB', options.cacheMiB ?? DEFAULT_CACHE_MIB);
    const mmapMiB = megabytes('mmapMiB', options.mmapMiB ?? 0);
    this.db = openDatabase(path);
    // WAL: readers do not block the writer, and a crash mid-write leaves the last commit intact.
    this.db.pragma('journal_mode = WAL');
    // A negative cache_size is in KiB: a bound in memory, whatever the page size.
    this.db.pragma(`cache_size = ${-Math.round(cacheMiB * 1024)}`);
    this.db.pragma(`mmap_size = ${Math.round(mmapMiB * 1_048_576)}`);
    this.db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    this.db.exec(SCHEMA);
    this.migrate();
    this.db.prepare('DELETE FROM conversations WHERE expires_at <= ?').run(Date.now());
    this.select = this.db.prepare(
      `SELECT data, version, updated_at AS writtenAt FROM conversations WHERE key = @key AND ${LIVE}`,
    );
    // A new conversation fails on a live row; an expired one is replaced as if it were absent.
    this.insert = this.db.prepare(
      `INSERT INTO conversations (key, data, version, updated_at, expires_at, started_at, channel, status, block, result)
       VALUES (@key, @data, 1, @now, @expires, @started, @channel, @status, @block, @result)
       ON CONFLICT (key) DO UPDATE SET
         data = excluded.data, version = 1, updated_at = excluded.updated_at, expires_at = excluded.expires_at,
         started_at = excluded.started_at, channel = excluded.channel, status = excluded.status,
         block = excluded.block, result = excluded.result
       WHERE NOT ${LIVE}`,
    );
    // Compare-and-set in one statement: it changes a row only while its version is still `expected`.
    const update = (summary: string) =>
      this.db.prepare<Row & { expected: number }>(
        `UPDATE conversations SET data = @data, version = version + 1, updated_at = @now, expires_at = @expires${summary}
         WHERE key = @key AND version = @expected AND ${LIVE}`,
      );
    this.update = update('');
    this.updateSummarized = update(`, ${SUMMARY_SET}`);
    // One transaction: the counts go in with the record or not at all (a lost compare-and-set).
    this.writeCounted = this.db.transaction((write: () => boolean, counts: readonly FunnelCount[]) => {
      if (!write()) return false;
      for (let first = 0; first < counts.length; first += COUNTS_PER_STATEMENT) {
        const some = counts.slice(first, first + COUNTS_PER_STATEMENT);
        this.countStatement(some.length).run(
          ...some.flatMap(({ block, edge, count }) => [block, edge, count]),
        );
      }
      return true;
    });
    this.remove = this.db.prepare('DELETE FROM conversations WHERE key = ?');
    this.db.exec(LINKS_SCHEMA);
    this.db.prepare('DELETE FROM links WHERE expires_at <= ?').run(Date.now());
    this.linkStatements = {
      // A new link fails on a live row under its id; an expired one is replaced as if absent.
      create: this.db.prepare(
        `INSERT INTO links (id, data, created_at, expires_at, clicks) VALUES (@id, @data, @now, @expires, 0)
         ON CONFLICT (id) DO UPDATE SET
           data = excluded.data, created_at = excluded.created_at, expires_at = excluded.expires_at, clicks = 0
         WHERE NOT ${LIVE}`,
      ),
      read: this.db.prepare(`SELECT ${LINK_COLUMNS} FROM links WHERE id = @id AND ${LIVE}`),
      // One statement counts and reads back, so two visits at once both count.
      visit: this.db.prepare(
        `UPDATE links SET clicks = clicks + 1 WHERE id = @id AND ${LIVE} RETURNING ${LINK_COLUMNS}`,
      ),
      page: this.db.prepare(
        `SELECT id, ${LINK_COLUMNS} FROM links
         WHERE ${LIVE} AND (created_at, id) > (@createdAt, @id)
         ORDER BY created_at, id LIMIT ${LIST_PAGE}`,
      ),
    };
    this.page = this.db.prepare(
      `SELECT rowid, key, data, started_at AS started, updated_at AS updated, channel, status, block, result
       FROM conversations
       WHERE (updated_at, rowid) > (@afterUpdated, @afterRow) AND updated_at < @until AND ${LIVE}
         AND (@status IS NULL OR status = @status)
       ORDER BY updated_at, rowid LIMIT ${LIST_PAGE}`,
    );
  }

  get(key: string): Promise<StoredRecord | undefined> {
    return settle(() => this.select.get({ key, now: Date.now() }));
  }

  put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined> {
    return settle(() => {
      const now = Date.now();
      const row: Row = {
        key,
        data,
        now,
        expires: this.ttlMs === undefined ? null : now + this.ttlMs,
        started: summary?.begins === true ? now : null,
        channel: summary?.channel ?? null,
        status: summary?.status ?? null,
        block: summary?.block ?? null,
        result: summary?.result ?? null,
      };
      const write =
        expected === undefined
          ? () => this.insert.run(row).changes === 1
          : () => (summary ? this.updateSummarized : this.update).run({ ...row, expected }).changes === 1;
      const written =
        summary && summary.counts.length > 0 ? this.writeCounted(write, summary.counts) : write();
      if (!written) return undefined;
      return expected === undefined ? 1 : expected + 1;
    });
  }

  delete(key: string): Promise<void> {
    return settle(() => {
      this.remove.run(key);
    });
  }

  createLink(id: string, data: string, times: LinkTimes): Promise<boolean> {
    return settle(() => {
      checkLinkRecord(id, data, times);
      const row = { id, data, now: times.now, expires: times.expiresAt ?? null };
      return this.linkStatements.create.run(row).changes === 1;
    });
  }

  readLink(id: string, now: number): Promise<LinkRecord | undefined> {
    return settle(() => fromLinkRow(this.linkStatements.read.get({ id, now })));
  }

  visitLink(id: string, now: number): Promise<LinkRecord | undefined> {
    return settle(() => fromLinkRow(this.linkStatements.visit.get({ id, now })));
  }

  async *listLinks(now: number): AsyncIterable<ListedLink> {
    let after = { createdAt: Number.MIN_SAFE_INTEGER, id: '' };
    for (;;) {
      const rows = await settle(() => this.linkStatements.page.all({ ...after, now }));
      for (const row of rows) yield { id: row.id, ...fromLinkRow(row) };
      const last = rows.at(-1);
      if (rows.length < LIST_PAGE || last === undefined) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Pages by (update time, rowid) after the last row read, so a page costs the same however deep. */
  async *conversations(filter: ListFilter = {}): AsyncIterable<ListedConversation> {
    let after = {
      afterUpdated: (filter.since ?? Number.MIN_SAFE_INTEGER) - 1,
      afterRow: Number.MAX_SAFE_INTEGER,
    };
    for (;;) {
      const { afterUpdated, afterRow } = after;
      const rows = await settle(() =>
        this.page.all({
          afterUpdated,
          afterRow,
          until: filter.until ?? Number.MAX_SAFE_INTEGER,
          now: Date.now(),
          status: filter.status ?? null,
        }),
      );
      for (const { rowid, status, ...row } of rows) {
        yield { ...row, status: isStatus(status) ? status : null };
        after = { afterUpdated: row.updated, afterRow: rowid };
      }
      if (rows.length < LIST_PAGE) return;
    }
  }

  funnelCounts(): Promise<FunnelCount[]> {
    return settle(() => this.db.prepare<[], FunnelCount>('SELECT block, edge, count FROM funnel').all());
  }

  purgeEnded(before: number): Promise<number> {
    return settle(
      () =>
        this.db
          .prepare("DELETE FROM conversations WHERE status IN ('ended', 'error') AND updated_at < ?")
          .run(before).changes,
    );
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }

  private countStatement(n: number): Database.Statement<(string | number)[]> {
    let statement = this.countStatements.get(n);
    if (statement === undefined) {
      statement = this.db.prepare(
        `INSERT INTO funnel (block, edge, count) VALUES ${Array.from({ length: n }, () => '(?, ?, ?)').join(', ')}
         ON CONFLICT (block, edge) DO UPDATE SET count = count + excluded.count`,
      );
      this.countStatements.set(n, statement);
    }
    return statement;
  }

  /** Adds the report's columns and index to a file made before they existed. */
  private migrate(): void {
    const columns = new Set(
      this.db
        .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('conversations')")
        .all()
        .map(({ name }) => name),
    );
    for (const [name, type] of Object.entries(REPORT_COLUMNS)) {
      if (!columns.has(name)) this.db.exec(`ALTER TABLE conversations ADD COLUMN ${name} ${type}`);
    }
    this.db.exec(UPDATE_INDEX);
  }
}

interface LinkRow {
  data: string;
  createdAt: number;
  expiresAt: number | null;
  clicks: number;
}

interface LinkStatements {
  readonly create: Database.Statement<{ id: string; data: string; now: number; expires: number | null }>;
  readonly read: Database.Statement<{ id: string; now: number }, LinkRow>;
  readonly visit: Database.Statement<{ id: string; now: number }, LinkRow>;
  readonly page: Database.Statement<{ createdAt: number; id: string; now: number }, LinkRow & { id: string }>;
}

function fromLinkRow(row: LinkRow): LinkRecord;
function fromLinkRow(row: LinkRow | undefined): LinkRecord | undefined;
function fromLinkRow(row: LinkRow | undefined): LinkRecord | undefined {
  return (
    row && {
      data: row.data,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt ?? undefined,
      clicks: row.clicks,
    }
  );
}

interface Row {
  key: string;
  data: string;
  now: number;
  expires: number | null;
  started: number | null;
  channel: string | null;
  status: string | null;
  block: string | null;
  result: string | null;
}

interface PageQuery {
  afterUpdated: number;
  afterRow: number;
  until: number;
  now: number;
  status: string | null;
}

type ListedRow = Omit<ListedConversation, 'status'> & { rowid: number; status: string | null };

/** A size option checked before the file is opened, so a bad one is one sentence. */
function megabytes(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new BotflowError(
      'store.bad-option',
      `the SQLite store's ${name} must be a number of MiB, 0 or more (got ${value})`,
    );
  }
  return value;
}

/** Runs synchronous database work so that its throw (a closed or broken file) becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
