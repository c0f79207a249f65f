import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookAdapter } from '../../channels/adapter.js';
import { createFacebookWebhook } from '../../channels/facebook/webhook.js';
import { createInstagramWebhook } from '../../channels/instagram/webhook.js';
import { createTelegramWebhook } from '../../channels/telegram/webhook.js';
import { createViberWebhook } from '../../channels/viber/webhook.js';
import { createVkWebhook } from '../../channels/vk/webhook.js';
import { parseScript } from '../../engine/index.js';
import {
  expectClientStatus,
  expectNoPollution,
  expectStoredWhole,
  KeyedStore,
  fuzzRuns,
  FUZZ_TEST_TIMEOUT_MS,
} from './helpers.js';
import { startApi, type TestApi } from '../support/json-api.js';
import { fixtureJson, hmacHex } from '../support/channel-fixtures.js';
import { callbackUpdate, textUpdate } from '../support/telegram.js';
import { DEMO_SCRIPT } from '../support/scripts.js';
import { json, startRecordingServer, type RecordingServer } from '../support/recording-server.js';

const SECRET = 'fuzz-Secret_0123';

/** Every messenger's API, answering any call as a success in each one's words. */
let platform: RecordingServer;
beforeAll(async () => {
  platform = await startRecordingServer((_call, response) =>
    json(response, 200, {
      ok: true,
      result: true,
      status: 0,
      response: 1,
      recipient_id: '1',
      message_id: 'm_1',
    }),
  );
});
afterAll(() => platform.close());

/** A real server on 127.0.0.1 with every webhook, replying through the fake platform. */
function startWebhooks(store: KeyedStore): Promise<TestApi> {
  const apiRoot = platform.origin;
  const meta = { appSecret: SECRET, verifyToken: SECRET, accessToken: SECRET, apiRoot };
  const webhooks: WebhookAdapter[] = [
    createFacebookWebhook(meta),
    createInstagramWebhook(meta),
    createViberWebhook({ authToken: SECRET, botName: 'Shop', apiRoot }),
    createVkWebhook({ confirmation: 'confirm-me', secret: SECRET, accessToken: SECRET, apiRoot }),
    createTelegramWebhook({ token: '123:abc', secretToken: SECRET, apiRoot, username: 'shop_test_bot' }),
  ];
  return startApi({ bot: { script: parseScript(DEMO_SCRIPT, 'webhook-demo.yaml'), store }, webhooks });
}

/** How each channel's server signs a body, so that a mutated body is really parsed and run. */
const CHANNELS: Record<
  string,
  { bodies: unknown[]; sign: (body: unknown, raw: Buffer) => Record<string, string> }
> = {
  facebook: {
    bodies: [fixtureJson('facebook-webhook.json'), fixtureJson('webhooks/facebook-user-ref.json')],
    sign: (_body, raw) => ({ 'X-Hub-Signature-256': `sha256=${hmacHex(SECRET, raw)}` }),
  },
  instagram: {
    bodies: [fixtureJson('instagram-webhook.json'), fixtureJson('webhooks/instagram-referral.json')],
    sign: (_body, raw) => ({ 'X-Hub-Signature-256': `sha256=${hmacHex(SECRET, raw)}` }),
  },
  viber: {
    bodies: [fixtureJson('viber-message.json'), fixtureJson('viber-conversation-started.json')],
    sign: (_body, raw) => ({ 'X-Viber-Content-Signature': hmacHex(SECRET, raw) }),
  },
  vk: {
    // VK authenticates by the secret inside the body, so it is put back after the mutation.
    bodies: [fixtureJson('vk-message-new.json'), fixtureJson('webhooks/vk-keyboard-reply.json')],
    sign: () => ({}),
  },
  telegram: {
    bodies: [
      textUpdate('/start eyJlSWQiOiI0MiJ9'),
      textUpdate('Track my order'),
      callbackUpdate('Track my order'),
    ],
    sign: () => ({ 'X-Telegram-Bot-Api-Secret-Token': SECRET }),
  },
};

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

/** One change at the `at`-th object or array of a body (counted depth first). */
type Mutation =
  | { kind: 'drop'; at: number; pick: number }
  | { kind: 'replace'; at: number; pick: number; value: Json }
  | { kind: 'nest'; at: number; pick: number; depth: number }
  | { kind: 'proto'; at: number; value: Json };

const hostile: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>('x'.repeat(200_000), -1e308, 2 ** 64, '', '/start@other_bot 42', '/help'),
);

/**
 * A change at the `at`-th object or array. Deep nesting is built when applied, not generated,
 * so that fast-check can still print a failing case.
 */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), pick: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), pick: fc.nat(), value: hostile }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    pick: fc.nat(),
    depth: fc.integer({ min: 1, max: 500 }),
  }),
  fc.record({ kind: fc.constant('proto' as const), at: fc.nat(), value: hostile }),
);

/** The objects and arrays inside `value`, the value itself first. */
function containers(value: Json, found: (Json[] | JsonObject)[] = []): (Json[] | JsonObject)[] {
  if (typeof value !== 'object' || value === null) return found;
  found.push(value);
  for (const item of Object.values(value)) containers(item, found);
  return found;
}

function mutate(body: Json, mutations: readonly Mutation[]): Json {
  const copy = structuredClone(body);
  for (const change of mutations) {
    const all = containers(copy);
    const target = all[change.at % all.length];
    if (target === undefined) continue;
    const keys = Object.keys(target);
    const key = keys[('pick' in change ? change.pick : 0) % Math.max(keys.length, 1)];
    if (change.kind === 'proto') {
      // As JSON.parse makes it: an own property named __proto__, never the prototype.
      Object.defineProperty(target, '__proto__', {
        value: change.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else if (key !== undefined && change.kind === 'drop') {
      if (Array.isArray(target)) target.splice(Number(key), 1);
      else Reflect.deleteProperty(target, key);
    } else if (key !== undefined && change.kind === 'replace') {
      (target as Record<string, Json>)[key] = change.value;
    } else if (key !== undefined && change.kind === 'nest') {
      (target as Record<string, Json>)[key] = JSON.parse(
        `${'['.repeat(change.depth)}${']'.repeat(change.depth)}`,
      ) as Json;
    }
  }
  return copy;
}

describe.each(Object.keys(CHANNELS))('the %s webhook under mutated bodies', (channel) => {
  const { bodies, sign } = CHANNELS[channel] ?? { bodies: [], sign: () => ({}) };
  it(
    'answers every one without a 5xx, stores conversations whole, and pollutes nothing',
    async () => {
      const store = new KeyedStore();
      const api = await startWebhooks(store);
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...bodies),
          fc.array(mutation, { maxLength: 4 }),
          async (original, mutations) => {
            let body = mutate(original as Json, mutations);
            if (channel === 'vk' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
              body = { ...body, secret: SECRET };
            }
            const raw = Buffer.from(JSON.stringify(body));
            const response = await fetch(`${api.origin}/webhooks/${channel}`, {
              method: 'POST',
              headers: { 'Content-Type': 'application/json', ...sign(body, raw) },
              body: raw,
            });
            expectClientStatus(response.status);
            await response.arrayBuffer();
            await expectStoredWhole(store);
            expectNoPollution();
          },
        ),
        fuzzRuns(100),
      );
      // Some bodies got through to stored turns, so "stored whole" was checked on real records.
      expect(store.keys.size).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
