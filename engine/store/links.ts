import { BotflowError } from '../error.js';

/**
 * The most a link record's data may take, in bytes of UTF-8: a start token's payload or a short
 * link's set of messenger links, never a conversation.
 */
export const LINK_RECORD_BYTES = 4096;

/** A link id: what a start token or a short link's code is stored under. */
const LINK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A stored link: a start token's payload or a short link, with its visits counted. */
export interface LinkRecord {
  /** What the record holds (JSON the link modules write), at most LINK_RECORD_BYTES bytes. */
  readonly data: string;
  /** When it was saved: milliseconds since the epoch, by the saving process's clock. */
  readonly createdAt: number;
  /** When it stops resolving (milliseconds since the epoch); undefined: never. */
  readonly expiresAt: number | undefined;
  /** How many visits were counted. */
  readonly clicks: number;
}

/** A link record with the id it is stored under, as a listing gives it. */
export interface ListedLink extends LinkRecord {
  readonly id: string;
}

/** When a link is saved, by the caller's clock, and when it expires (undefined: never). */
export interface LinkTimes {
  readonly now: number;
  readonly expiresAt?: number;
}

/**
 * Where start tokens and short links live, beside the conversations of the same store. A record
 * past its expiry reads as absent. Every `now` is the caller's clock, so expiry can be tested.
 */
export interface LinkStore {
  /**
   * Saves a new record under `id`; false, writing nothing, when a live record has that id already
   * (a fresh random id is then drawn). Throws a BotflowError for a bad id or data over the limit.
   */
  createLink(id: string, data: string, times: LinkTimes): Promise<boolean>;
  /** The live record under `id`, or undefined when there is none or it expired by `now`. */
  readLink(id: string, now: number): Promise<LinkRecord | undefined>;
  /**
   * Counts one visit of the live record under `id`, atomically (two processes counting at once
   * both count), and returns the record with that visit counted; undefined, counting nothing,
   * when there is none or it expired by `now`.
   */
  visitLink(id: string, now: number): Promise<LinkRecord | undefined>;
  /** Every live record with its visits, oldest first, read in pages: for reports. */
  listLinks(now: number): AsyncIterable<ListedLink>;
}

/** Refuses an id or data no store takes: the same rule in every store. */
export function checkLinkRecord(id: string, data: string, times: LinkTimes): void {
  if (!LINK_ID.test(id)) {
    throw new BotflowError(
      'store.bad-link',
      'a link id must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -',
    );
  }
  const bytes = Buffer.byteLength(data);
  if (bytes > LINK_RECORD_BYTES) {
    throw new BotflowError(
      'store.bad-link',
      `a link record's data is ${bytes} bytes, over the limit of ${LINK_RECORD_BYTES}`,
    );
  }
  if (times.expiresAt !== undefined && !(times.expiresAt > times.now)) {
    throw new BotflowError('store.bad-link', 'a link record must expire after it is saved');
  }
}

/** Whether a record that expires at `expiresAt` still resolves at `now`. */
export function isLive(expiresAt: number | undefined, now: number): boolean {
  return expiresAt === undefined || expiresAt > now;
}

/** Whether a session store keeps links too (every store of botflow's own does). */
export function isLinkStore(store: object): store is LinkStore {
  return 'visitLink' in store && typeof store.visitLink === 'function';
}
