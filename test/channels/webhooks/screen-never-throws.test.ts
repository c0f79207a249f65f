import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WebhookAdapter, WebhookRequest } from '../../../channels/adapter.js';
import { createFacebookWebhook } from '../../../channels/facebook/webhook.js';
import { createInstagramWebhook } from '../../../channels/instagram/webhook.js';
import { createViberWebhook } from '../../../channels/viber/webhook.js';
import { createTelegramWebhook } from '../../../channels/telegram/webhook.js';
import { createVkWebhook } from '../../../channels/vk/webhook.js';
import { fixtureBytes, hmacHex } from '../../support/channel-fixtures.js';

const SECRET = 's3cr3t';
const meta = { appSecret: SECRET, verifyToken: SECRET, accessToken: 'token' };
const ADAPTERS: readonly WebhookAdapter[] = [
  createFacebookWebhook(meta),
  createInstagramWebhook(meta),
  createViberWebhook({ authToken: SECRET, botName: 'Bot' }),
  createVkWebhook({ confirmation: 'c', secret: SECRET, accessToken: 'token' }),
  createTelegramWebhook({ token: '123:abc', secretToken: 'telegram_secret' }),
];

/** Bodies near real ones (the fixtures, hostile JSON) and any bytes at all. */
const body = fc.oneof(
  fc.constantFrom(
    fixtureBytes('facebook-webhook.json'),
    fixtureBytes('viber-conversation-started.json'),
    fixtureBytes('vk-message-new.json'),
    Buffer.from('{"__proto__":{"secret":"s3cr3t"},"constructor":{"prototype":{}}}'),
    Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
    Buffer.from('{"secret":"s3cr3t","type":"confirmation","group_id":1e400}'),
  ),
  fc.json().map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
);

/** Header values as node:http gives them, sometimes a right signature of the body. */
function headersFor(raw: Buffer): fc.Arbitrary<WebhookRequest['headers']> {
  const value = fc.oneof(
    fc.string(),
    fc.array(fc.string(), { maxLength: 3 }),
    fc.constant(undefined),
    fc.constant(hmacHex(SECRET, raw)),
    fc.constant(`sha256=${hmacHex(SECRET, raw)}`),
  );
  return fc.record(
    { 'x-hub-signature-256': value, 'x-viber-content-signature': value, 'content-type': value },
    { requiredKeys: [] },
  );
}

describe('screening a request', () => {
  it('never throws, and answers undefined or a status with a text body, whatever comes', () => {
    const request = body.chain((rawBody) =>
      fc.record({
        method: fc.constantFrom('POST', 'GET', 'PUT', ''),
        headers: headersFor(rawBody),
        query: fc.string().map((text) => new URLSearchParams(text)),
        rawBody: fc.constant(rawBody),
      }),
    );
    fc.assert(
      fc.property(request, (generated) => {
        for (const adapter of ADAPTERS) {
          const answer = adapter.screen(generated);
          if (answer !== undefined) {
            expect(Number.isInteger(answer.status)).toBe(true);
            expect(typeof answer.body).toBe('string');
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
