import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rasaAnswer } from '../../channels/http/rasa.js';
import {
  expectClientStatus,
  expectNoPollution,
  expectStoredWhole,
  KeyedStore,
  fuzzRuns,
  FUZZ_TEST_TIMEOUT_MS,
} from './helpers.js';
import { startApi } from '../support/json-api.js';

const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Bodies near Rasa's own (right and wrong types, `/start` with data, odd metadata), any JSON, any bytes. */
const body = fc.oneof(
  fc
    .record(
      {
        sender: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.constantFrom('default', '__proto__', 'constructor'),
          anyJson,
        ),
        message: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 5000 }),
          fc.string({ maxLength: 80 }).map((data) => `/start ${data}`),
          fc.constantFrom('/start', 'Basic', 'pro', '/start eyJ2Ijp7ImNpdHkiOiJNb3Njb3cifX0'),
          anyJson,
        ),
        metadata: fc.oneof(
          fc.record({ start: fc.oneof(fc.string({ maxLength: 80 }), anyJson) }, { requiredKeys: [] }),
          fc.constant(JSON.parse('{"__proto__":{"polluted":"yes","start":"x"}}') as unknown),
          anyJson,
        ),
        input_channel: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  anyJson.map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

const request = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT'),
  body,
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', ''),
});

describe('the Rasa REST channel under arbitrary requests', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('answers Rasa’s list to the request’s sender, or one error sentence, and never a 5xx', async () => {
    const store = new KeyedStore();
    const api = await startApi({ bot: { store } });
    await fc.assert(
      fc.asyncProperty(request, async ({ method, body: text, contentType: type }) => {
        const response = await fetch(`${api.origin}/webhooks/rest/webhook`, {
          method,
          headers: type === '' ? {} : { 'Content-Type': type },
          ...(method !== 'GET' && { body: text }),
        });
        expectClientStatus(response.status);
        const answer = (await response.json()) as unknown;
        if (response.status === 200) {
          const sender = (JSON.parse(text) as { sender?: string }).sender ?? 'default';
          const messages = rasaAnswer.parse(answer);
          expect(messages.every(({ recipient_id }) => recipient_id === sender)).toBe(true);
        } else {
          expect(answer).toEqual({
            error: { code: expect.any(String) as unknown, message: expect.any(String) as unknown },
          });
        }
        await expectStoredWhole(store);
        expectNoPollution();
      }),
      fuzzRuns(300),
    );
    // Some requests got through to a stored turn, so "stored whole" was checked on real records.
    expect([...store.keys].some((key) => key.startsWith('rest:'))).toBe(true);
  });
});
