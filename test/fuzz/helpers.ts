import { expect } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { decodeConversation } from '../../engine/runtime/stored.js';

/** A MemoryStore that remembers every key written, so a test can read back all it holds. */
export class KeyedStore extends MemoryStore {
  readonly keys = new Set<string>();

  override put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    this.keys.add(key);
    return super.put(key, data, expected);
  }
}

/** Every conversation the store holds decodes: a turn is stored whole or not at all. */
export async function expectStoredWhole(store: KeyedStore): Promise<void> {
  for (const key of store.keys) {
    const record = await store.get(key);
    if (record) expect(decodeConversation(record.data), key).toBeDefined();
  }
}

/** Nothing reached Object.prototype (a `__proto__` key in a body or payload, say). */
export function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}

/** Statuses a request may be answered with; a 5xx would be a bug (the store here never fails). */
export function expectClientStatus(status: number): void {
  expect(status).toBeGreaterThanOrEqual(200);
  expect(status).toBeLessThan(500);
}
