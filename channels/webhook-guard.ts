import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookAnswer, WebhookRequest } from './adapter.js';

/*
 * The checks a webhook makes before it trusts a request. Each one is total: whatever the
 * headers and bytes, it answers true/false or a value, and never throws.
 */

/** Answers to requests a webhook refuses, as plain text: no messenger reads more than the status. */
export const REFUSED = {
  notJson: { status: 400, body: 'the body is not JSON' },
  badSignature: { status: 401, body: 'bad signature' },
  badSecret: { status: 401, body: 'bad secret' },
  badVerifyToken: { status: 403, body: 'bad verify token' },
  method: { status: 405, body: 'method not allowed' },
} as const satisfies Record<string, WebhookAnswer>;

/**
 * A header's value when it came once. node:http joins a repeated custom header with ", ", so a
 * repeated signature header fails the signature's format check anyway.
 */
export function singleHeader(request: WebhookRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Whether `signature` (hex) is the HMAC-SHA256 of the raw body keyed with `secret`. The bytes
 * are compared with timingSafeEqual, so the time taken tells an attacker nothing about how much
 * of a forged signature was right.
 */
export function isSignedWith(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
  if (signature === undefined || !HEX_SHA256.test(signature)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Whether `given` is the shared secret, in constant time. Both sides are hashed first, so the
 * comparison has equal lengths and the time taken does not even reveal the secret's length.
 */
export function isSameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The raw body parsed as JSON (boxed, since `null` is JSON too), or undefined when it is not JSON. */
export function readJson(rawBody: Buffer): { readonly value: unknown } | undefined {
  try {
    return { value: JSON.parse(rawBody.toString('utf8')) as unknown };
  } catch {
    return undefined;
  }
}
