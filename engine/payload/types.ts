/** The data an invitation link carries (docs/invitation-links.md, "The payload"), in long names. */
export interface StartPayload {
  readonly phone?: string;
  readonly email?: string;
  readonly externalId?: string;
  readonly variables?: Readonly<Record<string, PayloadValue>>;
  /** When the link stops working: whole seconds since the epoch (travels as `x`; seeds no variable). */
  readonly expiresAt?: number;
}

export type PayloadValue = string | number | boolean;

/** The same data in the short keys that travel in the link. */
export interface ShortKeyPayload {
  readonly p?: string;
  readonly e?: string;
  readonly eId?: string;
  readonly v?: Readonly<Record<string, PayloadValue>>;
  /** The expiry: whole seconds since the epoch. The link is taken before that second, not from it. */
  readonly x?: number;
}

/** The encoded payload's maximum length: the seed's rule and Telegram's `start` limit. */
export const PAYLOAD_LIMIT = 64;

/**
 * The longest start value decoded at all. Links cannot carry more than a few hundred
 * characters anyway; anything longer is refused before any work is spent on it.
 */
export const START_VALUE_LIMIT = 1024;
