import {
  checkLinkRecord,
  isLive,
  type LinkRecord,
  type LinkStore,
  type LinkTimes,
  type ListedLink,
} from './links.js';
import { counterName, countsOf } from './funnel-key.js';
import {
  passes,
  type FunnelCount,
  type ListedConversation,
  type ListFilter,
  type ReportingStore,
  type StoredRecord,
  type TurnSummary,
} from './types.js';

export interface MemoryStoreOptions {
  /** Forget a conversation this long after its last write (default: keep it while the process runs). */
  readonly ttlMs?: number;
}

interface Entry extends StoredRecord {
  readonly expiresAt: number;
  readonly started: number | null;
  readonly summary: TurnSummary | undefined;
}

/** Conversations in this process's memory: the default, for tests and single-process bots. */
export class MemoryStore implements ReportingStore, LinkStore {
  private readonly records = new Map<string, Entry>();
  private readonly counters = new Map<string, number>();
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

  put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined> {
    const current = this.live(key);
    if (current?.version !== expected) return Promise.resolve(undefined);
    const version = (current?.version ?? 0) + 1;
    const writtenAt = Date.now();
    const expiresAt = this.ttlMs === undefined ? Infinity : writtenAt + this.ttlMs;
    const started = summary?.begins === true ? writtenAt : (current?.started ?? null);
    this.records.set(key, {
      data,
      version,
      writtenAt,
      expiresAt,
      started,
      summary: summary ?? current?.summary,
    });
    for (const { block, edge, count } of summary?.counts ?? []) {
      const name = counterName(block, edge);
      this.counters.set(name, (this.counters.get(name) ?? 0) + count);
    }
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

  /** In-process, so the listing is ordered from one snapshot of the entries, without pages. */
  conversations(filter: ListFilter = {}): AsyncIterable<ListedConversation> {
    const now = Date.now();
    const listed = [...this.records.entries()]
      .filter(
        ([, entry]) =>
          entry.expiresAt > now && passes(filter, entry.writtenAt, entry.summary?.status ?? null),
      )
      .sort(([a, first], [b, second]) => first.writtenAt - second.writtenAt || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, entry]) => ({
        key,
        data: entry.data,
        started: entry.started,
        updated: entry.writtenAt,
        channel: entry.summary?.channel ?? null,
        status: entry.summary?.status ?? null,
        block: entry.summary?.block ?? null,
        result: entry.summary?.result ?? null,
      }));
    return {
      [Symbol.asyncIterator]: () => {
        const items = listed.values();
        return { next: () => Promise.resolve(items.next()) };
      },
    };
  }

  funnelCounts(): Promise<FunnelCount[]> {
    return Promise.resolve(countsOf(this.counters));
  }

  purgeEnded(before: number): Promise<number> {
    let purged = 0;
    for (const [key, entry] of this.records) {
      const status = entry.summary?.status;
      if ((status === 'ended' || status === 'error') && entry.writtenAt < before) {
        this.records.delete(key);
        purged += 1;
      }
    }
    return Promise.resolve(purged);
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
