import { expect } from 'vitest';
import {
  handleWebhookUpdate,
  type WebhookAdapter,
  type WebhookAnswer,
  type WebhookRequest,
} from '../../../channels/adapter.js';
import { BotflowError, createBot, MemoryStore, parseScript, type Bot } from '../../../engine/index.js';
import { DEMO_SCRIPT, yaml } from '../../support/scripts.js';

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
