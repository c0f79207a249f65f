import type { SessionStore, StoredRecord } from './types.js';

export interface MemoryStoreOptions {
  /** Forget a conversation this long after its last write (default: keep it while the process runs). */
  readonly ttlMs?: number;
}

interface Entry extends StoredRecord {
  readonly expiresAt: number;
}

/** Conversations in this process's memory: the default, for tests and single-process bots. */
export class MemoryStore implements SessionStore {
  private readonly records = new Map<string, Entry>();
  private readonly ttlMs: number | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.ttlMs = options.ttlMs;
  }

  get(key: string): Promise<StoredRecord | undefined> {
    const entry = this.live(key);
    return Promise.resolve(entry && { data: entry.data, version: entry.version, writtenAt: entry.writtenAt });
  }

  put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    const current = this.live(key);
    if (current?.version !== expected) return Promise.resolve(undefined);
    const version = (current?.version ?? 0) + 1;
    const writtenAt = Date.now();
    const expiresAt = this.ttlMs === undefined ? Infinity : writtenAt + this.ttlMs;
    this.records.set(key, { data, version, writtenAt, expiresAt });
    return Promise.resolve(version);
  }

  delete(key: string): Promise<void> {
    this.records.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.records.size;
  }

  /** The entry when it has not expired; an expired one is dropped, so it reads (and writes) as absent. */
  private live(key: string): Entry | undefined {
    const entry = this.records.get(key);
    if (entry && entry.expiresAt <= Date.now()) {
      this.records.delete(key);
      return undefined;
    }
    return entry;
  }
}
