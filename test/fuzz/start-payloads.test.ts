import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BotflowError, createBot, decodeStartParam, encodePayload } from '../../engine/index.js';
import { decodeConversation } from '../../engine/runtime/stored.js';
import {
  expectNoPollution,
  expectStoredWhole,
  KeyedStore,
  fuzzRuns,
  FUZZ_TEST_TIMEOUT_MS,
} from './helpers.js';
import { COLLECTOR, scriptOf } from '../support/scripts.js';

/** Start values: any text, Base64URL of any JSON (an encoded payload, broken or not), real payloads. */
const startParam = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  fc.constantFrom(
    encodePayload({ variables: { city: 'Moscow' } }),
    Buffer.from('{"__proto__":{"polluted":1}}').toString('base64url'),
    Buffer.from('{"v":{"__proto__":{"polluted":1}}}').toString('base64url'),
    Buffer.from('{"v":{"constructor":{"prototype":{"polluted":1}}}}').toString('base64url'),
    'x'.repeat(2000),
  ),
);

/** A JSON value where `__proto__` and friends are own keys, as JSON.parse makes them. */
const hostileJson = fc
  .jsonValue({ maxDepth: 3 })
  .map(
    (value) =>
      JSON.parse(
        `{"__proto__":${JSON.stringify(value)},"constructor":{"prototype":{"polluted":1}}}`,
      ) as unknown,
  );

/** Payloads near the short-key shape (right and wrong types, odd names) and any value at all. */
const payload = fc.oneof(
  fc.record(
    {
      p: fc.oneof(fc.string(), fc.jsonValue()),
      e: fc.oneof(fc.string(), fc.jsonValue()),
      eId: fc.oneof(fc.string(), fc.jsonValue()),
      v: fc.oneof(
        fc.dictionary(
          fc.string({ maxLength: 12 }),
          fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.jsonValue()),
        ),
        hostileJson,
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record({ v: fc.constant(JSON.parse('{"__proto__":{"polluted":1},"city":"Kazan"}') as unknown) }),
  hostileJson,
  fc.anything({ maxDepth: 3 }),
);

let keys = 0;

describe('start data under arbitrary input', { timeout: FUZZ_TEST_TIMEOUT_MS }, () => {
  it('decodeStartParam never throws and seeds own data properties only', () => {
    fc.assert(
      fc.property(startParam, (value) => {
        const decoded = decodeStartParam(value);
        expect(Object.getPrototypeOf(decoded.variables)).toBe(Object.prototype);
        for (const variable of Object.values(decoded.variables)) expect(typeof variable).not.toBe('object');
        expectNoPollution();
      }),
      fuzzRuns(300),
    );
  });

  it('bot.start with any startParam never throws, and stores the conversation whole', async () => {
    const store = new KeyedStore();
    const bot = createBot({ script: scriptOf(COLLECTOR), store });
    await fc.assert(
      fc.asyncProperty(startParam, async (value) => {
        const turn = await bot.start(`s${++keys}`, { startParam: value });
        expect(turn.status).toBe('waiting');
        await expectStoredWhole(store);
        expectNoPollution();
      }),
      fuzzRuns(200),
    );
  });

  it('bot.start with any payload runs whole or is refused with a BotflowError, leaving the conversation as it was', async () => {
    const store = new KeyedStore();
    const bot = createBot({ script: scriptOf(COLLECTOR), store });
    await fc.assert(
      fc.asyncProperty(payload, async (value) => {
        const key = `p${++keys}`;
        await bot.start(key);
        await bot.send(key, 'first');
        const before = await store.get(key);
        const outcome = await bot.start(key, { payload: value }).then(
          (turn) => ({ turn }),
          (error: unknown) => ({ error }),
        );
        if ('error' in outcome) {
          expect(outcome.error).toBeInstanceOf(BotflowError);
          expect(await store.get(key)).toEqual(before);
        } else {
          expect(outcome.turn.status).toBe('waiting');
          const stored = decodeConversation((await store.get(key))?.data ?? '');
          expect(stored?.v?.log).toBeUndefined();
        }
        await expectStoredWhole(store);
        expectNoPollution();
      }),
      fuzzRuns(200),
    );
  });
});
