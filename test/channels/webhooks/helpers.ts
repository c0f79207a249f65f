import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import {
  handleWebhookUpdate,
  type WebhookAdapter,
  type WebhookAnswer,
  type WebhookRequest,
} from '../../../channels/adapter.js';
import { BotflowError, createBot, MemoryStore, parseScript, type Bot } from '../../../engine/index.js';
import { yaml } from '../../runtime/helpers.js';

/**
 * The raw bytes of a webhook body under test/fixtures/channels/ (`webhooks/…` for this suite's
 * own; see the README beside each): raw, because signatures are over the exact bytes.
 */
export function rawFixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/channels/${name}`, import.meta.url));
}

/**
 * A script with what a messenger must render: a message, an ask with two buttons (one label too
 * long for Messenger's 20 and VK's 40 characters), a condition and two ends. Its greeting shows
 * whichever variable the link's payload seeded.
 */
export const DEMO_SCRIPT = yaml`
  botflow: 1
  name: webhook-demo
  variables:
    city: ''
  blocks:
    greet:
      type: message
      text: 'Hello! We know you as {{ email }}{{ phone }}{{ clientExternalId }}{{ city }}.'
      next: pick
    pick:
      type: ask
      text: What can we do for you?
      save: topic
      choices:
        - { label: Track my order, value: track }
        - { label: Talk to a person about a very important matter, value: person }
      next: route
    route:
      type: condition
      branches:
        - if: "topic == 'track'"
          next: tracked
      else: handover
    tracked: { type: end, text: Your order is on its way., result: tracked }
    handover: { type: end, text: A person will answer you soon., result: handover }
`;

export const LONG_LABEL = 'Talk to a person about a very important matter';

/** A script whose only message has `buttons`, to see how a messenger's button limits are kept. */
export function buttonsScript(buttons: readonly string[]): string {
  return yaml`
    botflow: 1
    name: many-buttons
    blocks:
      menu:
        type: message
        text: Pick one
        buttons: ${JSON.stringify(buttons)}
        next: done
      done: { type: end }
  `;
}

/** A real bot over `script` (the demo by default) with its own MemoryStore. */
export function botWithStore(script = DEMO_SCRIPT): { bot: Bot; store: MemoryStore } {
  const store = new MemoryStore();
  return { bot: createBot({ script: parseScript(script, 'webhook-demo.yaml'), store }), store };
}

export function webhookRequest(options: {
  readonly method?: string;
  readonly headers?: WebhookRequest['headers'];
  readonly query?: string;
  readonly body?: Buffer | string;
}): WebhookRequest {
  const body = options.body ?? '';
  return {
    method: options.method ?? 'POST',
    headers: options.headers ?? {},
    query: new URLSearchParams(options.query ?? ''),
    rawBody: typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
  };
}

/** The hex HMAC-SHA256 of `body` keyed with `secret`, as Meta and Viber sign callbacks. */
export function hmacHex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * What the HTTP server does with a request: screen it, run its events through the bot, deliver
 * the replies and give back the answer.
 */
export async function runWebhook(
  adapter: WebhookAdapter,
  bot: Bot,
  request: WebhookRequest,
): Promise<WebhookAnswer> {
  const refused = adapter.screen(request);
  if (refused) return refused;
  const handled = await handleWebhookUpdate(bot, adapter, JSON.parse(request.rawBody.toString('utf8')));
  return adapter.deliver(handled);
}

/** Asserts that `run` rejects with a BotflowError of this code and exact message. */
export async function expectBotflowError(
  run: () => Promise<unknown>,
  code: string,
  message: string,
): Promise<void> {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(BotflowError);
  expect(error).toMatchObject({ code, message });
}
