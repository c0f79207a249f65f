import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import {
  checkLinkRecord,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './links.js';
import type { SessionStore, StoredRecord } from './types.js';

/**
 * better-sqlite3, loaded when a store opens rather than with the engine: most programs that
 * import the engine (and every botflow command but `serve`) never open a SQLite store.
 */
const openDatabase = (path: string) =>
  new (createRequire(import.meta.url)('better-sqlite3') as typeof Database)(path);

export interface SqliteStoreOptions {
  /** Forget a conversation this long after its last write (default: keep it). */
  readonly ttlMs?: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS conversations (
  key TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER
)`;

// Start tokens and short links: a table of their own, so no link id can meet a conversation key.
const LINKS_SCHEMA = `CREATE TABLE IF NOT EXISTS links (
  id TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  clicks INTEGER NOT NULL DEFAULT 0
)`;

/** How many link records a listing reads at once: no statement stays open across an await. */
const LINK_PAGE = 500;

const LINK_COLUMNS = 'data, created_at AS createdAt, expires_at AS expiresAt, clicks';

// An expired row reads as absent; `@now` is bound on every statement so expiry needs no sweeper.
const LIVE = '(expires_at IS NULL OR expires_at > @now)';

/** Conversations in one SQLite file: the embedded store for a single-process bot that restarts. */
export class SqliteStore implements SessionStore, LinkStore {
  private readonly db: Database.Database;
  private readonly ttlMs: number | undefined;
  private readonly select: Database.Statement<{ key: string; now: number }, StoredRecord>;
  private readonly insert: Database.Statement<Row>;
  private readonly update: Database.Statement<Row & { expected: number }>;
  private readonly remove: Database.Statement<[string]>;
  private readonly linkStatements: LinkStatements;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.ttlMs = options.ttlMs;
    this.db = openDatabase(path);
    // WAL: readers do not block the writer, and a crash mid-write leaves the last commit intact.
    this.db.pragma('journal_mode = WAL');
    this.db.exec(SCHEMA);
    this.db.prepare('DELETE FROM conversations WHERE expires_at <= ?').run(Date.now());
    this.select = this.db.prepare(
      `SELECT data, version, updated_at AS writtenAt FROM conversations WHERE key = @key AND ${LIVE}`,
    );
    // A new conversation fails on a live row; an expired one is replaced as if it were absent.
    this.insert = this.db.prepare(
      `INSERT INTO conversations (key, data, version, updated_at, expires_at)
       VALUES (@key, @data, 1, @now, @expires)
       ON CONFLICT (key) DO UPDATE SET
         data = excluded.data, version = 1, updated_at = excluded.updated_at, expires_at = excluded.expires_at
       WHERE NOT ${LIVE}`,
    );
    // Compare-and-set in one statement: it changes a row only while its version is still `expected`.
    this.update = this.db.prepare(
      `UPDATE conversations SET data = @data, version = version + 1, updated_at = @now, expires_at = @expires
       WHERE key = @key AND version = @expected AND ${LIVE}`,
    );
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
         ORDER BY created_at, id LIMIT ${LINK_PAGE}`,
      ),
    };
  }

  get(key: string): Promise<StoredRecord | undefined> {
    return settle(() => this.select.get({ key, now: Date.now() }));
  }

  put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    return settle(() => {
      const now = Date.now();
      const row = { key, data, now, expires: this.ttlMs === undefined ? null : now + this.ttlMs };
      if (expected === undefined) return this.insert.run(row).changes === 1 ? 1 : undefined;
      return this.update.run({ ...row, expected }).changes === 1 ? expected + 1 : undefined;
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
      if (rows.length < LINK_PAGE || last === undefined) return;
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
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
}

/** Runs synchronous database work so that its throw (a closed or broken file) becomes a rejection. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
