/** A stored conversation: its serialized state and the version that compare-and-set checks. */
export interface StoredRecord {
  readonly data: string;
  readonly version: number;
  /** When it was last written: milliseconds since the epoch, by the writing process's clock. */
  readonly writtenAt: number;
}

/** Gives a held conversation back; safe to call once the hold has already expired. */
export type Unlock = () => Promise<void>;

/** Where a conversation stands after a turn. */
export type ConversationStatus = 'waiting' | 'ended' | 'error';

export const CONVERSATION_STATUSES: readonly ConversationStatus[] = ['waiting', 'ended', 'error'];

/**
 * One funnel counter: how many times `block` was entered (`edge` is '') or left through its way
 * out at `edge` (its YAML path inside the block, as `validate` writes it: `branches[0].next`).
 */
export interface FunnelCount {
  readonly block: string;
  readonly edge: string;
  readonly count: number;
}

/**
 * What the engine knows of a turn and the store does not: kept beside the record (never inside
 * it), for reports. A store that keeps no reports ignores it.
 */
export interface TurnSummary {
  readonly channel: string;
  readonly status: ConversationStatus;
  /** The block the conversation stands at: the ask it waits in, or the block it ended in. */
  readonly block: string;
  readonly result: string | null;
  /** This write begins a conversation (a start, or a message that starts afresh): it started now. */
  readonly begins: boolean;
  /** The funnel counters this turn adds, counted in the same atomic write as the record. */
  readonly counts: readonly FunnelCount[];
}

/**
 * Where conversations live between turns. Writes are compare-and-set on the version, so two
 * writers (two processes, or a stale turn) can never both apply a turn to one conversation.
 */
export interface SessionStore {
  get(key: string): Promise<StoredRecord | undefined>;
  /**
   * Writes `data` when the stored version is still `expected` (undefined: when the key is not
   * stored). Returns the new version, or undefined when another write came first. A store that
   * keeps reports ({@link ReportingStore}) keeps `summary` beside the record, and adds its funnel
   * counts, in the same atomic write; without a summary its last one stays.
   */
  put(
    key: string,
    data: string,
    expected: number | undefined,
    summary?: TurnSummary,
  ): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  /**
   * For a store several processes share: waits until this process holds the conversation `key`,
   * so turns of one conversation run one at a time across processes. A store one process owns
   * leaves it out: the bot's own per-conversation queue already orders its turns.
   */
  lock?(key: string): Promise<Unlock>;
  /**
   * {@link lock} and {@link get} in one step, and the turn's {@link put} and giving the
   * conversation back in one more: for a store across a network, a turn in two round trips
   * instead of four. A store that has it has `lock` too; the bot uses this one.
   */
  hold?(key: string): Promise<Hold>;
}

/** A conversation held for one turn, with its record as it stood when the hold was taken. */
export interface Hold {
  readonly record: StoredRecord | undefined;
  /**
   * {@link SessionStore.put} of the held conversation that, once applied, gives the conversation
   * back in the same step. A write another came before is refused and the hold stays, so the turn
   * can run again on the newer state.
   */
  put(data: string, expected: number | undefined, summary?: TurnSummary): Promise<number | undefined>;
  /** Gives the conversation back; nothing is left to do after a write was applied. */
  readonly unlock: Unlock;
}

/** A conversation as a store lists it: its record and what the engine told of it. */
export interface ListedConversation {
  readonly key: string;
  /** The stored record (a StoredConversation as JSON). */
  readonly data: string;
  /** When this run of the conversation began (ms since the epoch); null when written without a summary. */
  readonly started: number | null;
  /** When it was last written (ms since the epoch). */
  readonly updated: number;
  /** The last summary's fields; null for a conversation written without one (before reports existed). */
  readonly channel: string | null;
  readonly status: ConversationStatus | null;
  readonly block: string | null;
  readonly result: string | null;
}

/** Which conversations to list: last written from `since` (inclusive) until `until` (exclusive). */
export interface ListFilter {
  readonly since?: number;
  readonly until?: number;
  readonly status?: ConversationStatus;
}

/** A session store that also lists its conversations, counts the funnel and purges ended ones. */
export interface ReportingStore extends SessionStore {
  /**
   * The live conversations, oldest update first, read a page at a time: memory stays bounded by
   * the page whatever the store holds.
   */
  conversations(filter?: ListFilter): AsyncIterable<ListedConversation>;
  /** Every funnel counter, across every version of the script the store has seen. */
  funnelCounts(): Promise<FunnelCount[]>;
  /** Deletes ended (and error) conversations last written before `before`; how many it deleted. */
  purgeEnded(before: number): Promise<number>;
}

/** Whether `store` keeps reports; a store of a third party may not. */
export function isReportingStore(store: SessionStore): store is ReportingStore {
  const candidate = store as Partial<ReportingStore>;
  return (
    typeof candidate.conversations === 'function' &&
    typeof candidate.funnelCounts === 'function' &&
    typeof candidate.purgeEnded === 'function'
  );
}

/** How many records (conversations, link records) a store reads at once while listing. */
export const LIST_PAGE = 500;

/** Whether a conversation updated at `updated` with `status` passes `filter`. */
export function passes(filter: ListFilter, updated: number, status: ConversationStatus | null): boolean {
  return (
    (filter.since === undefined || updated >= filter.since) &&
    (filter.until === undefined || updated < filter.until) &&
    (filter.status === undefined || status === filter.status)
  );
}

/** Whether `text` is a conversation status (a store reads it back from its own columns). */
export function isStatus(text: unknown): text is ConversationStatus {
  return CONVERSATION_STATUSES.includes(text as ConversationStatus);
}
