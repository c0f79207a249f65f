import type { FunnelCount } from './types.js';

/**
 * One funnel counter's name in a flat map (a Redis hash field, a Map key): block, then edge,
 * split by a NUL, which neither a block id nor a YAML path can hold.
 */
export const counterName = (block: string, edge: string): string => `${block}\u0000${edge}`;

/** The counters of a flat map of `counterName` → count. */
export function countsOf(entries: Iterable<readonly [string, number]>): FunnelCount[] {
  return [...entries].map(([name, count]) => {
    const split = name.indexOf('\u0000');
    return { block: name.slice(0, split), edge: name.slice(split + 1), count };
  });
}
