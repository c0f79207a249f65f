import { randomBytes } from 'node:crypto';
import type { LinkStore, LinkTimes } from '../store/links.js';

const CODE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const CODE_LENGTH = 10;
const SHORT_CODE = /^[A-Za-z0-9]{10}$/;

/** Whether `code` has the shape of a short link's code: 10 characters of A-Z, a-z and 0-9. */
export function isShortCode(code: string): boolean {
  return SHORT_CODE.test(code);
}

/**
 * A fresh code: 10 characters drawn evenly from 62 (about 59 bits) by the system's secure random
 * source. Bytes from 248 up are skipped, so no character comes up more often than another.
 */
export function newShortCode(): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      if (byte < 248 && code.length < CODE_LENGTH) code += CODE_ALPHABET[byte % 62] ?? '';
    }
  }
  return code;
}

/** How a short link reads in the store: the messenger links it leads to, by channel. */
export interface ShortLinkRecord {
  readonly kind: 'short';
  /** Channel name → the invitation link, in the order the links were asked for. */
  readonly links: Readonly<Record<string, string>>;
  /** The data every link carries: a plain id, an encoded payload or a start token. */
  readonly startParam: string;
}

/** Draws before giving up on a free code: with 59 random bits, a second is all but never needed. */
const DRAWS = 5;

/** Saves a short link under a fresh code and returns the code. */
export async function saveShortLink(
  store: LinkStore,
  record: ShortLinkRecord,
  times: LinkTimes,
): Promise<string> {
  const data = JSON.stringify(record);
  for (let draw = 0; draw < DRAWS; draw++) {
    const code = newShortCode();
    if (await store.createLink(code, data, times)) return code;
  }
  throw new Error(`${DRAWS} random short-link codes in a row were taken: the random source is broken`);
}

/** A stored short link read back; undefined for a record of another kind or shape. */
export function readShortLink(data: string): ShortLinkRecord | undefined {
  let record: unknown;
  try {
    record = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof record !== 'object' || record === null) return undefined;
  const { kind, links, startParam } = record as Partial<Record<keyof ShortLinkRecord, unknown>>;
  if (kind !== 'short' || typeof startParam !== 'string') return undefined;
  if (typeof links !== 'object' || links === null || Array.isArray(links)) return undefined;
  const entries = Object.entries(links);
  if (entries.length === 0 || !entries.every(([, link]) => typeof link === 'string')) return undefined;
  return { kind, links: Object.fromEntries(entries), startParam };
}
