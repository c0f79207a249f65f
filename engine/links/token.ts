import { randomBytes } from 'node:crypto';

/**
 * A start token: `-` and 22 Base64URL characters, 16 random bytes (128 bits), 23 characters in
 * all. The `-` sets it apart from a plain id and from an encoded payload (which begins `ey`).
 */
const START_TOKEN = /^-[A-Za-z0-9_-]{22}$/;

/** The first character of a start token; a plain client id must not begin with it. */
export const START_TOKEN_MARK = '-';

/** Whether `value` is a well-formed start token (whether a store holds it is another matter). */
export function isStartToken(value: string): boolean {
  return START_TOKEN.test(value);
}

/** A fresh start token from the system's secure random source. */
export function newStartToken(): string {
  return START_TOKEN_MARK + randomBytes(16).toString('base64url');
}
