import {
  checkLinkRecord,
  isLive,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './links.js';
import type { SessionStore, StoredRecord } from './types.js';

export interface MemoryStoreOptions {
  /** Forget a conversation this long after its last write (default: keep it while the process runs). */
  readonly ttlMs?: number;
}

interface Entry extends StoredRecord {
  readonly expiresAt: number;
}

/** Conversations in this process's memory: the default, for tests and single-process bots. */
export class MemoryStore implements SessionStore, LinkStore {
  private readonly records = new Map<string, Entry>();
  /** Start tokens and short links, in the order they were made (a Map keeps insertion order). */
  private readonly links = new Map<string, LinkRecord>();
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

  createLink(id: string, data: string, times: LinkTimes): Promise<boolean> {
    // Then, not at once: a refused record is a rejection, as in the other stores.
    return Promise.resolve().then(() => {
      checkLinkRecord(id, data, times);
      if (this.liveLink(id, times.now)) return false;
      // An expired record under the id is replaced: delete first, so the new one lists last.
      this.links.delete(id);
      this.links.set(id, { data, createdAt: times.now, expiresAt: times.expiresAt, clicks: 0 });
      return true;
    });
  }

  readLink(id: string, now: number): Promise<LinkRecord | undefined> {
    return Promise.resolve(this.liveLink(id, now));
  }

  visitLink(id: string, now: number): Promise<LinkRecord | undefined> {
    const record = this.liveLink(id, now);
    if (!record) return Promise.resolve(undefined);
    const visited = { ...record, clicks: record.clicks + 1 };
    this.links.set(id, visited);
    return Promise.resolve(visited);
  }

  // The interface pages through stores that answer later; memory has nothing to wait for.
  // eslint-disable-next-line @typescript-eslint/require-await
  async *listLinks(now: number): AsyncIterable<ListedLink> {
    for (const [id, record] of [...this.links]) {
      if (isLive(record.expiresAt, now)) yield { id, ...record };
    }
  }

  get size(): number {
    return this.records.size;
  }

  /** The record when it has not expired; an expired one is dropped, so memory does not fill with them. */
  private liveLink(id: string, now: number): LinkRecord | undefined {
    const record = this.links.get(id);
    if (record && !isLive(record.expiresAt, now)) {
      this.links.delete(id);
      return undefined;
    }
    return record;
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
