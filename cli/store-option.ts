import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import {
  BotflowError,
  MemoryStore,
  PostgresStore,
  RedisStore,
  SqliteStore,
  type LinkStore,
  type SessionStore,
} from '../engine/index.js';
import { UsageError } from './exit.js';

/** A session store `serve` opened (it keeps links too), and how to name it in logs without its credentials. */
export interface OpenedStore {
  readonly store: SessionStore & LinkStore;
  readonly kind: 'memory' | 'sqlite' | 'redis' | 'redis-cluster' | 'postgres';
  readonly where: string;
  close(): Promise<void>;
  /** Closes it after a start that failed: a file the store created for it is removed, leaving nothing behind. */
  discard(): Promise<void>;
}

/** The key `serve` reads to learn that the store answers; no conversation is ever stored under it. */
const PROBE_KEY = 'botflow:probe';

/**
 * Opens the store `--store` names (`memory`, `sqlite:PATH`, `redis://…`, `rediss://…` or
 * `redis+cluster://host:port,host:port` or `postgres://…`) and reads from it once, so an unreachable
 * store stops `serve` before it takes a single message.
 */
export async function openStore(spec: string, { existing = false } = {}): Promise<OpenedStore> {
  const opened = open(spec, existing);
  try {
    await opened.store.get(PROBE_KEY);
  } catch (error) {
    await opened.discard().catch(() => undefined);
    throw error;
  }
  return opened;
}

/**
 * Opens a store to read what `serve` wrote (`botflow report`, the studio's funnel): a SQLite file
 * or PostgreSQL tables that are not there are an error, not a new empty store, and opening creates
 * nothing (a PostgreSQL role that may only read can report).
 */
export async function openExistingStore(spec: string): Promise<OpenedStore> {
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : undefined;
  if (path !== undefined && path !== '' && !existsSync(path)) {
    throw new BotflowError('store.unavailable', `there is no session store at ${path}`);
  }
  return openStore(spec, { existing: true });
}

/** Whether the store answers now: what `serve`'s health endpoint reports. */
export async function probeStore(store: SessionStore): Promise<void> {
  await store.get(PROBE_KEY);
}

function open(spec: string, existing: boolean): OpenedStore {
  if (spec === 'memory') {
    const close = () => Promise.resolve();
    return { store: new MemoryStore(), kind: 'memory', where: 'memory', close, discard: close };
  }
  if (spec.startsWith('sqlite:')) {
    const path = spec.slice('sqlite:'.length);
    if (path === '') throw new UsageError('--store sqlite: needs a file, e.g. sqlite:./sessions.db');
    const created = !existsSync(path);
    let store: SqliteStore;
    try {
      store = new SqliteStore(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BotflowError('store.unavailable', `cannot open the SQLite session store ${path}: ${reason}`);
    }
    const close = () => store.close();
    return {
      store,
      kind: 'sqlite',
      where: path,
      close,
      discard: async () => {
        await close();
        // SQLite's own companions (write-ahead log, shared memory) go with the file.
        if (created)
          await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(path + suffix, { force: true })));
      },
    };
  }
  const redis = /^rediss?(\+cluster)?:\/\//.exec(spec);
  if (redis) {
    const store = new RedisStore(spec);
    const close = () => store.close();
    return { store, kind: redis[1] ? 'redis-cluster' : 'redis', where: store.where, close, discard: close };
  }
  if (/^postgres(ql)?:\/\//.test(spec)) {
    const store = new PostgresStore(spec, { create: !existing });
    const close = () => store.close();
    return { store, kind: 'postgres', where: store.where, close, discard: close };
  }
  // The value may be a URL with a password: name its scheme at most, never the value itself.
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]{0,20}:/.exec(spec)?.[0];
  throw new UsageError(
    `--store takes memory, sqlite:PATH, redis://HOST:PORT, redis+cluster://HOST:PORT,HOST:PORT or postgres://HOST:PORT/DATABASE${scheme === undefined ? '' : `, not a value starting "${scheme}"`}`,
  );
}
