import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expectClientStatus,
  expectNoPollution,
  expectStoredWhole,
  KeyedStore,
  fuzzRuns,
  FUZZ_TEST_TIMEOUT_MS,
} from './helpers.js';
import { startApi } from '../support/json-api.js';

/** Conversation keys as a path segment: encoded text of any kind and length, and broken encodings. */
const segment = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 300 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', 'a%2Fb', '%C0%AF', 'web:1', '__proto__', 'constructor'),
);

/** A value of any JSON type, sometimes with `__proto__` as an own key, as JSON.parse makes it. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc
    .jsonValue({ maxDepth: 2 })
    .map((value) => JSON.parse(`{"__proto__":${JSON.stringify(value)}}`) as unknown),
);

/** Bodies near the routes' own (right and wrong field types, odd keys), any JSON, and any bytes. */
const body = fc.oneof(
  fc.constantFrom('{}', '{"payload":{"v":{"city":"Kazan"}}}', '{"startParam":"42","channel":"web"}'),
  fc.record({ text: fc.string({ unit: 'binary', maxLength: 5000 }) }).map((value) => JSON.stringify(value)),
  fc
    .record(
      {
        startParam: fc.oneof(fc.string({ maxLength: 80 }), anyJson),
        payload: fc.oneof(
          fc.record(
            { p: fc.string(), e: fc.string(), eId: fc.string(), v: fc.dictionary(fc.string(), anyJson) },
            { requiredKeys: [] },
          ),
          anyJson,
        ),
        channel: fc.oneof(fc.string({ maxLength: 80 }), anyJson),
        messageId: fc.oneof(fc.string({ maxLength: 300 }), anyJson),
        text: fc.oneof(fc.string({ unit: 'binary', maxLength: 5000 }), anyJson),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  anyJson.map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON; Charset="UTF-8"',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  '',
);

const request = fc.record({
  method: fc.constantFrom('POST', 'GET', 'PUT', 'DELETE'),
  route: fc.constantFrom('/start', '/messages', ''),
  segment,
  body,
  contentType,
});

describe('the JSON API under arbitrary requests', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('answers every one without a 5xx, and stores each conversation whole or not at all', async () => {
    const store = new KeyedStore();
    const api = await startApi({ bot: { store } });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, route, segment: key, body: text, contentType: type }) => {
        const withBody = method !== 'GET';
        const response = await fetch(`${api.origin}/conversations/${key}${route}`, {
          method,
          headers: type === '' ? {} : { 'Content-Type': type },
          ...(withBody && { body: text }),
        });
        expectClientStatus(response.status);
        if (response.status === 204) {
          // A conversation erased: nothing to say.
          expect([method, route, await response.text()]).toEqual(['DELETE', '', '']);
          await expectStoredWhole(store);
          return;
        }
        const answer = (await response.json()) as { error?: { code: unknown; message: unknown } };
        if (response.status >= 400) {
          // One sentence with a stable code, never a stack trace.
          expect(answer.error).toEqual({
            code: expect.any(String) as unknown,
            message: expect.any(String) as unknown,
          });
          expect(String(answer.error?.message)).not.toMatch(/\n\s+at /);
        }
        await expectStoredWhole(store);
        expectNoPollution();
      }),
      fuzzRuns(300),
    );
    // Some requests got through to a stored turn, so "stored whole" was checked on real records.
    expect(store.keys.size).toBeGreaterThan(0);
    expectNoPollution();
  });
});
