import type { SessionStore, StoredRecord } from './types.js';

/** Conversations in this process's memory: the default, for tests and single-process bots. */
export class MemoryStore implements SessionStore {
  private readonly records = new Map<string, StoredRecord>();

  get(key: string): Promise<StoredRecord | undefined> {
    return Promise.resolve(this.records.get(key));
  }

  put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    const current = this.records.get(key);
    if (current?.version !== expected) return Promise.resolve(undefined);
    const version = (current?.version ?? 0) + 1;
    this.records.set(key, { data, version });
    return Promise.resolve(version);
  }

  delete(key: string): Promise<void> {
    this.records.delete(key);
    return Promise.resolve();
  }

  get size(): number {
    return this.records.size;
  }
}
