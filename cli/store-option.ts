import { BotflowError, MemoryStore, RedisStore, SqliteStore, type SessionStore } from '../engine/index.js';
import { UsageError } from './exit.js';

/** A session store `serve` opened, and how to name it in logs without its credentials. */
export interface OpenedStore {
  readonly store: SessionStore;
  readonly kind: 'memory' | 'sqlite' | 'redis';
  readonly where: string;
  close(): Promise<void>;
}

/** The key `serve` reads to learn that the store answers; no conversation is ever stored under it. */
const PROBE_KEY = 'botflow:probe';

/**
 * Opens the store `--store` names (`memory`, `sqlite:PATH`, `redis://…` or `rediss://…`) and reads
 * from it once, so an unreachable store stops `serve` before it takes a single message.
 */
export async function openStore(spec: string): Promise<OpenedStore> {
  const opened = open(spec);
  try {
    await opened.store.get(PROBE_KEY);
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
  return opened;
}

/** Whether the store answers now: what `serve`'s health endpoint reports. */
export async function probeStore(store: SessionStore): Promise<void> {
  await store.get(PROBE_KEY);
}

function open(spec: string): OpenedStore {
  if (spec === 'memory') {
    return { store: new MemoryStore(), kind: 'memory', where: 'memory', close: () => Promise.resolve() };
  }
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new UsageError('--store sqlite: needs a file, e.g. sqlite:./sessions.db');
    let store: SqliteStore;
    try {
      store = new SqliteStore(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BotflowError('store.unavailable', `cannot open the SQLite session store ${path}: ${reason}`);
    }
    return { store, kind: 'sqlite', where: path, close: () => store.close() };
  }
  if (/^rediss?:\/\//.test(spec)) {
    const store = new RedisStore(spec);
    return { store, kind: 'redis', where: store.where, close: () => store.close() };
  }
  // The value may be a URL with a password: name its scheme at most, never the value itself.
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]{0,20}:/.exec(spec)?.[0];
  throw new UsageError(
    `--store takes memory, sqlite:PATH or redis://HOST:PORT${scheme === undefined ? '' : `, not a value starting "${scheme}"`}`,
  );
}
