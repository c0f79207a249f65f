import fc from 'fast-check';
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

/** How long one property may run before it stops with the runs it made (a loaded CI machine). */
const TIME_BUDGET_MS = 15_000;

/**
 * fast-check's parameters for a fuzz property: `numRuns` at most, within TIME_BUDGET_MS. In CI
 * the seed is fixed, so a run is repeatable and a red build is never chance; elsewhere it is new
 * each run, to explore. `FUZZ_SEED=<n>` replays the seed a failure printed, `FUZZ_SEED=random`
 * explores in CI too.
 */
export function fuzzRuns(numRuns: number): fc.Parameters<unknown> {
  const wanted = process.env.FUZZ_SEED ?? (process.env.CI === 'true' ? '20261206' : 'random');
  return {
    numRuns,
    plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)],
    ...(wanted !== 'random' && { seed: Number(wanted) }),
  };
}

/** The vitest timeout of a fuzz test: its time budget and room to set up and close. */
export const FUZZ_TEST_TIMEOUT_MS = TIME_BUDGET_MS + 15_000;
