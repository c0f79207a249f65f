import type { Value } from './types.js';

/**
 * A conversation between turns, in as few bytes as it takes: where it stands, and only what
 * differs from a new conversation. (An xstate persisted snapshot repeats every variable and its
 * own bookkeeping; this is the same state, rebuilt with `machine.resolveState` on restore.)
 */
export interface StoredConversation {
  /** The script version it runs on. */
  readonly s: string;
  /** The machine state: the block it waits in, or the final state it ended in. */
  readonly b: string;
  /** The last script block entered, when it is not `b` (the conversation ended past it). */
  readonly a?: string;
  /** Variables that differ from the defaults. */
  readonly v?: Readonly<Record<string, Value>>;
  /** Bad replies at the current ask, when there were any. */
  readonly t?: number;
  /** The end block's result. */
  readonly r?: string;
  /** Hashes of the ids of the last messages applied, newest last, when the messenger gave them. */
  readonly m?: readonly string[];
}

export function encodeConversation(conversation: StoredConversation): string {
  return JSON.stringify(conversation);
}

/** Reads a stored conversation; undefined when the data is not one (corrupt or foreign). */
export function decodeConversation(data: string): StoredConversation | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const vars = record.v ?? {};
  const valid =
    typeof record.s === 'string' &&
    typeof record.b === 'string' &&
    (record.a === undefined || typeof record.a === 'string') &&
    typeof vars === 'object' &&
    !Array.isArray(vars) &&
    (record.t === undefined || Number.isSafeInteger(record.t)) &&
    (record.r === undefined || typeof record.r === 'string') &&
    (record.m === undefined ||
      (Array.isArray(record.m) && record.m.every((mark) => typeof mark === 'string')));
  return valid ? (record as unknown as StoredConversation) : undefined;
}
