/** A stored conversation: its serialized state and the version that compare-and-set checks. */
export interface StoredRecord {
  readonly data: string;
  readonly version: number;
  /** When it was last written: milliseconds since the epoch, by the writing process's clock. */
  readonly writtenAt: number;
}

/** Gives a held conversation back; safe to call once the hold has already expired. */
export type Unlock = () => Promise<void>;

/**
 * Where conversations live between turns. Writes are compare-and-set on the version, so two
 * writers (two processes, or a stale turn) can never both apply a turn to one conversation.
 */
export interface SessionStore {
  get(key: string): Promise<StoredRecord | undefined>;
  /**
   * Writes `data` when the stored version is still `expected` (undefined: when the key is not
   * stored). Returns the new version, or undefined when another write came first.
   */
  put(key: string, data: string, expected: number | undefined): Promise<number | undefined>;
  delete(key: string): Promise<void>;
  /**
   * For a store several processes share: waits until this process holds the conversation `key`,
   * so turns of one conversation run one at a time across processes. A store one process owns
   * leaves it out: the bot's own per-conversation queue already orders its turns.
   */
  lock?(key: string): Promise<Unlock>;
}
