import { Bot as GrammyBot } from 'grammy';
import type { Update } from 'grammy/types';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conversationKey, handleUpdate, type WebhookAdapter } from '../../channels/adapter.js';
import { createFacebookWebhook } from '../../channels/facebook/webhook.js';
import { createInstagramWebhook } from '../../channels/instagram/webhook.js';
import { botflow } from '../../channels/telegram/grammy.js';
import { createTelegramBot } from '../../channels/telegram/telegram-bot.js';
import { createTelegramWebhook } from '../../channels/telegram/webhook.js';
import { CHANNEL_NAMES } from '../../channels/types.js';
import { createViberWebhook } from '../../channels/viber/webhook.js';
import { createVkWebhook } from '../../channels/vk/webhook.js';
import { createBot, MemoryStore, type Bot, type Turn } from '../../engine/index.js';
import { fixtureBytes, hmacHex } from '../support/channel-fixtures.js';
import { BOT_INFO, FakeBotApi, TOKEN } from '../support/fake-bot-api.js';
import { startApi, turnOf } from '../support/json-api.js';
import { json, startRecordingServer, type RecordingServer } from '../support/recording-server.js';
import { DEMO_SCRIPT, scriptOf } from '../support/scripts.js';
import { CHAT_ID, textUpdate } from '../support/telegram.js';

/*
 * Every way an update reaches a bot — Telegram by long polling, through grammY middleware and by
 * webhook, each messenger's webhook, WhatsApp through the library and the JSON API — gets a
 * start with invitation data and then the same start again, as a messenger redelivers it. The
 * start must greet with what the data seeded, the redelivery must neither say nor store anything,
 * and the conversation must go on from where the start left it. One row per path, so a path
 * without the test shows here.
 */

const SECRET = 'every-path_Secret0';

/** A start with the data `{"e":"email@gmail.com"}` (Telegram, the JSON API). */
const EMAIL_DATA = 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0';

/** One way in, over a bot on `store`: it delivers an update and tells what the user was sent. */
interface Transport {
  /** Delivers one update as the path does; resolves once it is handled. */
  deliver(update: unknown): Promise<void>;
  /** Every text the user has been sent so far, in order. */
  said(): string[];
}

interface Path {
  readonly name: string;
  /** The key the conversation is stored under. */
  readonly key: string;
  /** The start, carrying invitation data, and a later reply picking one of the question's buttons… */
  readonly command: unknown;
  readonly reply: unknown;
  /** …which the conversation ends with. */
  readonly ending?: string;
  /** The greeting, showing what the invitation data seeded. */
  readonly greeting: string;
  readonly open: (store: MemoryStore) => Promise<Transport>;
}

const QUESTION = 'What can we do for you?';
const TRACKED = 'Your order is on its way.';

let platform: RecordingServer;
let telegramApi: FakeBotApi;
beforeEach(async () => {
  // Every messenger's API answering any call as a success in its own words.
  platform = await startRecordingServer((_request, response) =>
    json(response, 200, { ok: true, status: 0, response: 1, recipient_id: '1', message_id: 'm_1' }),
  );
  telegramApi = await FakeBotApi.start();
});
afterEach(async () => {
  await Promise.all([platform.close(), telegramApi.close()]);
});

function demoBot(store: MemoryStore): Bot {
  return createBot({ script: scriptOf(DEMO_SCRIPT), store });
}

/** The texts botflow sent through the fake Bot API. */
function telegramTexts(): string[] {
  return telegramApi.callsOf('sendMessage').map((params) => String(params.text));
}

/** The texts botflow sent through the messengers' fake APIs, each call's read by `textOf`. */
function platformTexts(textOf: (body: string) => string | null): () => string[] {
  return () => platform.requests.map((request) => textOf(request.body)).filter((text) => text !== null);
}

/**
 * A webhook served by the real HTTP server: `sign` gives the headers that authenticate a body,
 * `sent` the texts the messenger's API was given.
 */
function webhookPath(
  adapter: () => WebhookAdapter,
  sign: (raw: Buffer) => Record<string, string>,
  sent: () => string[],
): Path['open'] {
  return async (store) => {
    const api = await startApi({ bot: { script: scriptOf(DEMO_SCRIPT), store }, webhooks: [adapter()] });
    const answered: string[] = [];
    const channel = adapter().channel;
    return {
      deliver: async (update) => {
        const raw = update as Buffer;
        const response = await fetch(`${api.origin}/webhooks/${channel}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...sign(raw) },
          body: new Uint8Array(raw),
        });
        expect(response.status).toBe(200);
        // Viber takes a start's replies as one welcome message in the answer, joined by blank lines.
        if (response.headers.get('content-type')?.startsWith('application/json')) {
          const { text } = (await response.json()) as { text?: string };
          if (text !== undefined) answered.push(...text.split('\n\n'));
        } else await response.text();
      },
      said: () => [...answered, ...sent()],
    };
  };
}

const metaText = (body: string) => (JSON.parse(body) as { message: { text: string } }).message.text;
const metaSign = (raw: Buffer) => ({ 'X-Hub-Signature-256': `sha256=${hmacHex(SECRET, raw)}` });
const meta = () => ({
  appSecret: SECRET,
  verifyToken: SECRET,
  accessToken: SECRET,
  apiRoot: platform.origin,
});

function telegramUpdates(): { command: Update; reply: Update } {
  return { command: textUpdate(`/start ${EMAIL_DATA}`), reply: textUpdate('Track my order') };
}

const PATHS: readonly Path[] = [
  {
    name: 'Telegram by long polling (createTelegramBot, as serve runs it)',
    key: conversationKey('telegram', String(CHAT_ID)),
    ...telegramUpdates(),
    greeting: 'Hello! We know you as email@gmail.com.',
    open: (store) => {
      const bot = demoBot(store);
      return Promise.resolve({
        // Each delivery is a process started afresh, as after a crash before Telegram heard that
        // the update was handled: Telegram then sends it again.
        deliver: async (update) => {
          const since = telegramApi.calls.length;
          telegramApi.push(update as Update);
          const telegram = createTelegramBot(bot, TOKEN, {
            apiRoot: telegramApi.apiRoot,
            logger: pino({ enabled: false }),
          });
          const polling = telegram.start();
          await telegramApi.confirmed((update as Update).update_id, since);
          await telegram.stop();
          await polling;
        },
        said: telegramTexts,
      });
    },
  },
  {
    name: 'Telegram through grammY middleware (a host bot, bot.handleUpdate)',
    key: conversationKey('telegram', String(CHAT_ID)),
    ...telegramUpdates(),
    greeting: 'Hello! We know you as email@gmail.com.',
    open: (store) => {
      const host = new GrammyBot(TOKEN, { client: { apiRoot: telegramApi.apiRoot }, botInfo: BOT_INFO });
      host.use(botflow(demoBot(store)));
      return Promise.resolve({
        deliver: (update) => host.handleUpdate(update as Update),
        said: telegramTexts,
      });
    },
  },
  {
    name: 'Telegram by webhook',
    key: conversationKey('telegram', String(CHAT_ID)),
    command: Buffer.from(JSON.stringify(textUpdate(`/start ${EMAIL_DATA}`))),
    reply: Buffer.from(JSON.stringify(textUpdate('Track my order'))),
    greeting: 'Hello! We know you as email@gmail.com.',
    open: webhookPath(
      () =>
        createTelegramWebhook({
          token: TOKEN,
          secretToken: SECRET,
          apiRoot: telegramApi.apiRoot,
          username: BOT_INFO.username,
        }),
      () => ({ 'X-Telegram-Bot-Api-Secret-Token': SECRET }),
      telegramTexts,
    ),
  },
  {
    name: 'Messenger by webhook (Get Started with a ref)',
    key: conversationKey('facebook', '1254459154682919'),
    command: fixtureBytes('webhooks/facebook-get-started.json'),
    reply: fixtureBytes('webhooks/facebook-quick-reply.json'),
    greeting: 'Hello! We know you as email@gmail.com.',
    open: webhookPath(() => createFacebookWebhook(meta()), metaSign, platformTexts(metaText)),
  },
  {
    name: 'Instagram by webhook (a referral)',
    key: conversationKey('instagram', '5432109876543210'),
    command: fixtureBytes('webhooks/instagram-referral.json'),
    reply: fixtureBytes('webhooks/instagram-quick-reply.json'),
    ending: 'A person will answer you soon.',
    greeting: 'Hello! We know you as 79000000000.',
    open: webhookPath(() => createInstagramWebhook(meta()), metaSign, platformTexts(metaText)),
  },
  {
    name: 'Viber by webhook (conversation_started with a context)',
    key: conversationKey('viber', '01234567890A='),
    command: fixtureBytes('viber-conversation-started.json'),
    reply: fixtureBytes('webhooks/viber-keyboard-reply.json'),
    greeting: 'Hello! We know you as externalId.',
    open: webhookPath(
      () => createViberWebhook({ authToken: SECRET, botName: 'Shop', apiRoot: platform.origin }),
      (raw) => ({ 'X-Viber-Content-Signature': hmacHex(SECRET, raw) }),
      platformTexts((body) => (JSON.parse(body) as { text: string }).text),
    ),
  },
  {
    name: 'VK by webhook (a message with a ref)',
    key: conversationKey('vk', '123456789'),
    command: fixtureBytes('vk-message-new.json'),
    reply: fixtureBytes('webhooks/vk-keyboard-reply.json'),
    greeting: 'Hello! We know you as Moscow.',
    open: webhookPath(
      // The fixtures' own secret: VK authenticates by the secret inside the body.
      () =>
        createVkWebhook({
          confirmation: 'confirm-me',
          secret: 's3cr3t',
          accessToken: SECRET,
          apiRoot: platform.origin,
        }),
      () => ({}),
      platformTexts((body) => new URLSearchParams(body).get('message')),
    ),
  },
  {
    name: 'WhatsApp through the library (handleUpdate, a ref: marker)',
    key: conversationKey('whatsapp', '79000000000'),
    command: fixtureBytes('whatsapp-messages.json'),
    reply: fixtureBytes('whatsapp-reply.json'),
    greeting: 'Hello! We know you as 42.',
    open: (store) => {
      const bot = demoBot(store);
      const turns: Turn[] = [];
      const key = conversationKey('whatsapp', '79000000000');
      return Promise.resolve({
        deliver: async (update) => {
          const handled = await handleUpdate(bot, 'whatsapp', JSON.parse(String(update)));
          turns.push(...handled.filter((one) => one.key === key).map((one) => one.turn));
        },
        said: () => turns.flatMap((turn) => turn.messages.map((message) => message.text)),
      });
    },
  },
  {
    name: 'the JSON API (a start with a startParam and a messageId)',
    key: 'u1',
    command: { path: '/conversations/u1/start', body: { startParam: EMAIL_DATA, messageId: 'start-1' } },
    reply: { path: '/conversations/u1/messages', body: { text: 'Track my order', messageId: 'm-2' } },
    greeting: 'Hello! We know you as email@gmail.com.',
    open: async (store) => {
      const api = await startApi({ bot: { script: scriptOf(DEMO_SCRIPT), store } });
      const turns: Turn[] = [];
      return {
        deliver: async (update) => {
          const { path, body } = update as { path: string; body: unknown };
          turns.push(await turnOf(await api.call('POST', path, body)));
        },
        said: () => turns.flatMap((turn) => turn.messages.map((message) => message.text)),
      };
    },
  },
];

describe.each(PATHS)('$name', (path) => {
  it('greets a start with what its data seeded once, and a redelivery of it changes and says nothing', async () => {
    const store = new MemoryStore();
    const transport = await path.open(store);

    await transport.deliver(path.command);
    expect(transport.said()).toEqual([path.greeting, QUESTION]);
    const started = await store.get(path.key);
    expect(started?.version).toBe(1);

    await transport.deliver(path.command);
    expect(transport.said()).toEqual([path.greeting, QUESTION]);
    expect(await store.get(path.key)).toEqual(started);

    // The conversation goes on from the question, not from a start over.
    await transport.deliver(path.reply);
    expect(transport.said().slice(2)).toEqual([path.ending ?? TRACKED]);
    expect((await store.get(path.key))?.version).toBe(2);
  });
});

/** A channel added to botflow without a path above fails here. */
it('has a path for every channel botflow knows', () => {
  const channels = PATHS.map(({ key }) => /^(\w+):/.exec(key)?.[1]).filter((name) => name !== undefined);
  expect(new Set(channels)).toEqual(new Set(CHANNEL_NAMES));
});
