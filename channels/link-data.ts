// The payload's own file, not the engine index: reading links must not load the script engine.
import { PAYLOAD_LIMIT } from '../engine/payload/types.js';
import { LinkError, quote } from './error.js';

/**
 * The data rule shared by every channel (docs/invitation-links.md, "The link data rule"): the
 * seed allows "numbers and Latin letters"; `_` and `-` complete Telegram's `start` alphabet,
 * which is also the Base64URL alphabet of an encoded payload. Messengers that accept more
 * (Messenger's `ref` also takes `+/=.:`) still get only this, so one link's data works on every
 * channel.
 */
export const LINK_DATA_ALPHABET = 'A-Z, a-z, 0-9, _ and -';

/** The seed's 64-character limit (the same number as the payload limit), applied to every channel. */
export const LINK_DATA_LIMIT = PAYLOAD_LIMIT;

const OUTSIDE_ALPHABET = /[^A-Za-z0-9_-]/u;

/** Whether `value` is valid link data; for readers that must skip bad data rather than throw. */
export function isLinkData(value: string): boolean {
  return value !== '' && value.length <= LINK_DATA_LIMIT && !OUTSIDE_ALPHABET.test(value);
}

/** Returns `value` when it is valid link data; otherwise throws a LinkError that says why. */
export function checkLinkData(value: string): string {
  if (value === '') {
    throw new LinkError(
      'link.empty-data',
      `link data is empty; it must be 1 to ${LINK_DATA_LIMIT} characters of ${LINK_DATA_ALPHABET}`,
    );
  }
  const bad = OUTSIDE_ALPHABET.exec(value);
  if (bad) {
    throw new LinkError(
      'link.bad-data',
      `link data ${quote(value)} contains ${quote(bad[0])}; only ${LINK_DATA_ALPHABET} are allowed`,
    );
  }
  if (value.length > LINK_DATA_LIMIT) {
    throw new LinkError(
      'link.data-too-long',
      `link data ${quote(value)} is ${value.length} characters long, over the limit of ${LINK_DATA_LIMIT}`,
    );
  }
  return value;
}
