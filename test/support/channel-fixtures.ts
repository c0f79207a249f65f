import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

/*
 * Webhook bodies from test/fixtures/channels/ (`webhooks/…` for the webhook suites' own; see the
 * README beside each for each file's source).
 */

/** A fixture's body, parsed. */
export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureBytes(name).toString('utf8'));
}

/** A fixture's raw bytes: raw, because signatures are over the exact bytes. */
export function fixtureBytes(name: string): Buffer {
  return readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url));
}

/** The hex HMAC-SHA256 of `body` keyed with `secret`, as Meta and Viber sign callbacks. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
