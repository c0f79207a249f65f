import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
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

// An expired row reads as absent; `@now` is bound on every statement so expiry needs no sweeper.
const LIVE = '(expires_at IS NULL OR expires_at > @now)';

/** Conversations in one SQLite file: the embedded store for a single-process bot that restarts. */
export class SqliteStore implements SessionStore {
  private readonly db: Database.Database;
  private readonly ttlMs: number | undefined;
  private readonly select: Database.Statement<{ key: string; now: number }, StoredRecord>;
  private readonly insert: Database.Statement<Row>;
  private readonly update: Database.Statement<Row & { expected: number }>;
  private readonly remove: Database.Statement<[string]>;

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

  close(): Promise<void> {
    return settle(() => {
      this.db.close();
    });
  }
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
