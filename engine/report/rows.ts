import { BotflowError } from '../error.js';
import { decodeConversation, type StoredConversation } from '../runtime/stored.js';
import { END, FAILED, type Value } from '../runtime/types.js';
import { defaultVariables } from '../runtime/variables.js';
import type { Script } from '../script/script.js';
import {
  isReportingStore,
  type ConversationStatus,
  type ListedConversation,
  type ListFilter,
  type ReportingStore,
  type SessionStore,
} from '../store/types.js';

/** The columns every report has, before its variables. */
export const FIXED_COLUMNS = ['key', 'channel', 'started', 'updated', 'status', 'block', 'result'] as const;

/** The variables a report shows unless told otherwise. */
export const DEFAULT_VARIABLES: readonly string[] = ['clientExternalId'];

/** One conversation in a report. Times are ISO 8601 in UTC. */
export interface ReportRow {
  readonly key: string;
  readonly channel: string;
  /** When this run of the conversation began; null when the store does not know (written before reports). */
  readonly started: string | null;
  readonly updated: string;
  /** Null when neither the store nor the record tells (an old record, read without the script). */
  readonly status: ConversationStatus | null;
  readonly block: string;
  readonly result: string | null;
  readonly variables: Readonly<Record<string, Value>>;
}

export interface ReportOptions {
  /** The script the conversations run: its defaults fill the variables a conversation did not change. */
  readonly script?: Script;
  /** Which variables to show: names, or `all` of them (default DEFAULT_VARIABLES). */
  readonly variables?: readonly string[] | 'all';
  readonly filter?: ListFilter;
  /** Only conversations that ended with this result. */
  readonly result?: string;
  /** Masks secrets (the script's env values) in every row (default: none). */
  readonly mask?: <T>(value: T) => T;
}

/** The store as a ReportingStore, or a one-sentence error. */
export function reportingStore(store: SessionStore): ReportingStore {
  if (!isReportingStore(store)) {
    throw new BotflowError(
      'report.unsupported-store',
      'this session store keeps no reports: it cannot list its conversations',
    );
  }
  return store;
}

/** The report's rows, streamed from the store a page at a time. */
export async function* reportRows(
  store: ReportingStore,
  options: ReportOptions = {},
): AsyncIterable<ReportRow> {
  const mask = options.mask ?? ((value) => value);
  const defaults = options.script ? defaultVariables(options.script) : {};
  const wanted = options.variables ?? DEFAULT_VARIABLES;
  for await (const listed of store.conversations(options.filter)) {
    const row = rowOf(listed, decodeConversation(listed.data), options.script, defaults);
    if (options.result !== undefined && row.result !== options.result) continue;
    yield mask(wanted === 'all' ? row : { ...row, variables: pick(row.variables, wanted) });
  }
}

/**
 * Every variable name the listed conversations hold (the script's first, in its order, then the
 * others sorted) but `channel`, which is a column already: a first pass over the store for a
 * table or CSV of `all` variables.
 */
export async function variableNames(store: ReportingStore, options: ReportOptions = {}): Promise<string[]> {
  const declared = options.script ? Object.keys(defaultVariables(options.script)) : [];
  const found = new Set<string>();
  for await (const row of reportRows(store, { ...options, variables: 'all' })) {
    for (const name of Object.keys(row.variables)) found.add(name);
  }
  const known = new Set(declared);
  return [...declared, ...[...found].filter((name) => !known.has(name)).sort()].filter(
    (name) => name !== 'channel',
  );
}

function rowOf(
  listed: ListedConversation,
  stored: StoredConversation | undefined,
  script: Script | undefined,
  defaults: Readonly<Record<string, Value>>,
): ReportRow {
  const variables = { ...defaults, ...stored?.v };
  const channel = listed.channel ?? (typeof variables.channel === 'string' ? variables.channel : '');
  return {
    key: listed.key,
    channel,
    started: listed.started === null ? null : new Date(listed.started).toISOString(),
    updated: new Date(listed.updated).toISOString(),
    status: listed.status ?? (stored ? statusOf(stored, script) : null),
    block: listed.block ?? (stored ? (stored.a ?? stored.b) : ''),
    result: listed.status === null ? (stored?.r ?? null) : listed.result,
    variables,
  };
}

/** The status of a record written without a summary: from its state, and the script's end blocks. */
function statusOf(stored: StoredConversation, script: Script | undefined): ConversationStatus | null {
  if (stored.b === FAILED) return 'error';
  if (stored.b === END) return 'ended';
  if (!script) return null;
  return script.blocks.get(stored.b)?.type === 'end' ? 'ended' : 'waiting';
}

function pick(variables: Readonly<Record<string, Value>>, names: readonly string[]): Record<string, Value> {
  return Object.fromEntries(
    names.map((name) => [name, Object.hasOwn(variables, name) ? (variables[name] ?? '') : '']),
  );
}
