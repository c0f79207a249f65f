import { createHash } from 'node:crypto';
import * as z from 'zod';
import { MAX_DATA_DEPTH } from '../expression/index.js';
import { isPrototypeKey } from '../names.js';
import type { TranscriptLine } from './transcript.js';
import type { Value } from './types.js';

/**
 * A conversation between turns, in as few bytes as it takes: where it stands, and only what
 * differs from a new conversation. (An xstate persisted snapshot repeats every variable and its
 * own bookkeeping; this is the same state, rebuilt with `machine.resolveState` on restore.)
 * Field names are one letter because every waiting conversation carries them.
 */
export interface StoredConversation {
  /** The script version it runs on. */
  readonly s: string;
  /** The machine state: the block it waits in, or the final state it ended in. */
  readonly b: string;
  /** The last script block entered, when it is not `b` (the conversation ended past it). */
  readonly a?: string | undefined;
  /** Variables that differ from the defaults. */
  readonly v?: Readonly<Record<string, Value>> | undefined;
  /** What the block it stands in keeps between turns (see Step.state), when it keeps anything. */
  readonly k?: Value | undefined;
  /** The end block's result. */
  readonly r?: string | undefined;
  /** Hashes of the ids of the last messages applied, newest last, when the messenger gave them. */
  readonly m?: readonly string[] | undefined;
  /** The last messages exchanged, oldest first, when the bot keeps transcripts. */
  readonly t?: readonly TranscriptLine[] | undefined;
}

/**
 * How deep a stored value may nest. botflow's own data is bounded at MAX_DATA_DEPTH (100) where it
 * is taken in, but stored inside wrappers (`response.body` is two levels down), so this bound is
 * far above anything botflow writes and far below what would overflow a recursive copy.
 */
const STORED_DEPTH_LIMIT = 10 * MAX_DATA_DEPTH;

/**
 * True when `value` (JSON.parse's output) nests no deeper than STORED_DEPTH_LIMIT. Walked with a
 * stack of its own, so a hostile record nested a hundred thousand levels is refused rather than
 * overflowing every later copy of it; only lists and maps are visited, which keeps the common
 * record of plain values cheap.
 */
function isShallow(value: unknown): boolean {
  const pending: { readonly value: unknown; readonly depth: number }[] = [{ value, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > STORED_DEPTH_LIMIT) return false;
    for (const item of Object.values(next.value)) {
      if (typeof item === 'object' && item !== null) pending.push({ value: item, depth: next.depth + 1 });
    }
  }
  return true;
}

/**
 * Variables as JSON.parse gives them: a map of JSON values already, so only its shape and depth
 * are checked (walking every value with a schema would cost each turn a good part of its time).
 * A name that could reach a prototype is refused: botflow never stores one, and it must never be
 * copied into scope.
 */
const variables = z.custom<Readonly<Record<string, Value>>>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !Object.keys(value).some(isPrototypeKey) &&
    isShallow(value),
);

/** A block's own state: any JSON (JSON.parse gave it), as deep as stored data may be. */
const blockState = z.custom<Value>((value) => value !== undefined && isShallow(value));

/** The record's schema: what is read back must be a StoredConversation, whoever wrote it. */
const storedConversation: z.ZodType<StoredConversation> = z.object({
  s: z.string(),
  b: z.string(),
  a: z.string().optional(),
  v: variables.optional(),
  k: blockState.optional(),
  r: z.string().optional(),
  m: z.array(z.string()).optional(),
  t: z.array(z.tuple([z.enum(['u', 'b']), z.string(), z.number()])).optional(),
});

/** What a conversation is after a turn, as the record names it. */
export interface Standing {
  readonly version: string;
  /** The machine state. */
  readonly state: string;
  /** The last script block entered. */
  readonly at: string;
  /** Variables that differ from the defaults. */
  readonly changed: Readonly<Record<string, Value>>;
  readonly blockState?: Value | undefined;
  readonly result?: string | null;
  readonly marks: readonly string[];
  /** The transcript kept; none when the bot keeps none. */
  readonly transcript?: readonly TranscriptLine[];
}

/** The record of a conversation standing so, with what a new conversation has left out. */
export function storedAs(standing: Standing): StoredConversation {
  return {
    s: standing.version,
    b: standing.state,
    ...(standing.at !== '' && standing.at !== standing.state && { a: standing.at }),
    ...(Object.keys(standing.changed).length > 0 && { v: standing.changed }),
    ...(standing.blockState !== undefined && { k: standing.blockState }),
    ...(standing.result !== undefined && standing.result !== null && { r: standing.result }),
    ...(standing.marks.length > 0 && { m: standing.marks }),
    ...(standing.transcript !== undefined && standing.transcript.length > 0 && { t: standing.transcript }),
  };
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
  const read = storedConversation.safeParse(value);
  return read.success ? read.data : undefined;
}

/**
 * How many message ids a conversation remembers: a Meta or WhatsApp body can carry several events
 * of one user, and a redelivery brings them all back.
 */
const MARKS_KEPT = 4;

/**
 * What a conversation keeps of a message id: a short hash (48 bits), since ids can be long (Meta's
 * run to about 90 characters) and a waiting conversation should stay small.
 */
export function markOf(messageId: string | undefined): string | undefined {
  return messageId === undefined
    ? undefined
    : createHash('sha256').update(messageId).digest('base64url').slice(0, 8);
}

/** True when the message marked `mark` was applied to this conversation already (a redelivery). */
export function wasApplied(stored: StoredConversation, mark: string | undefined): boolean {
  return mark !== undefined && (stored.m?.includes(mark) ?? false);
}

/** The marks to store once the message marked `mark` is applied: the newest last. */
export function marksAfter(
  stored: StoredConversation | undefined,
  mark: string | undefined,
): readonly string[] {
  const kept = stored?.m ?? [];
  return mark === undefined ? kept : [...kept, mark].slice(-MARKS_KEPT);
}
