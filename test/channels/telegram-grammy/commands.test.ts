import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botflow } from '../../../channels/telegram/grammy.js';
import { createTelegramWebhook } from '../../../channels/telegram/webhook.js';
import { createBot, MemoryStore, parseScript, type Turn } from '../../../engine/index.js';
import { grammyBot } from './helpers.js';
import { startApi } from '../../support/json-api.js';
import { DEMO_SCRIPT } from '../../support/scripts.js';
import { FakeBotApi, TOKEN } from '../../support/fake-bot-api.js';
import { CHAT_ID, GROUP_CHAT, textUpdate } from '../../support/telegram.js';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

const SCRIPT = parseScript(DEMO_SCRIPT, 'webhook-demo.yaml');
const SECRET = 'commands-Secret_42';

/** One way Telegram updates reach the engine: what it is handed, and where a chat's conversation stands. */
interface TelegramPath {
  deliver(update: Update): Promise<void>;
  conversation(chatId: number): Promise<Turn | undefined>;
}

/** The grammY middleware in a bot that knows its username from getMe (the fake API's shop_test_bot). */
async function middleware(): Promise<TelegramPath> {
  const bot = createBot({ script: SCRIPT, store: new MemoryStore() });
  const telegram = await grammyBot(api);
  telegram.use(botflow(bot));
  return {
    deliver: (update) => telegram.handleUpdate(update),
    conversation: (chatId) => bot.conversation(`telegram:${chatId}`),
  };
}

/** The webhook in a real server on 127.0.0.1; without a username it asks getMe at the first update. */
async function webhook(username?: string): Promise<TelegramPath> {
  const adapter = createTelegramWebhook({
    token: TOKEN,
    secretToken: SECRET,
    apiRoot: api.apiRoot,
    ...(username !== undefined && { username }),
  });
  const server = await startApi({ bot: { script: SCRIPT }, webhooks: [adapter], apiToken: API_TOKEN });
  return {
    deliver: async (update) => {
      const answer = await server.call('POST', '/webhooks/telegram', update, {
        'X-Telegram-Bot-Api-Secret-Token': SECRET,
      });
      expect([answer.status, await answer.text()]).toEqual([200, '']);
    },
    conversation: async (chatId) => {
      const answer = await server.call(
        'GET',
        `/conversations/telegram%3A${chatId}?variables=all`,
        undefined,
        {
          Authorization: `Bearer ${API_TOKEN}`,
        },
      );
      return answer.status === 404 ? undefined : ((await answer.json()) as Turn);
    },
  };
}

const API_TOKEN = 'tok_commands_0123456789';

const paths: [string, () => Promise<TelegramPath>][] = [
  ['the grammY middleware', middleware],
  ['the webhook, which calls getMe', () => webhook()],
  ['the webhook given the username', () => webhook('Shop_Test_Bot')],
];

describe.each(paths)('commands through %s', (_name, open) => {
  it('leaves /help alone while a private conversation waits: it is not the answer', async () => {
    const path = await open();
    await path.deliver(textUpdate('/start'));
    const sent = api.callsOf('sendMessage').length;
    await path.deliver(textUpdate('/help'));
    await path.deliver(textUpdate('/help@shop_test_bot'));
    expect(api.callsOf('sendMessage')).toHaveLength(sent);
    const waiting = await path.conversation(CHAT_ID);
    expect(waiting).toMatchObject({ status: 'waiting', block: 'pick', variables: { lastMessage: '' } });
    expect(waiting?.variables).not.toHaveProperty('topic');

    await path.deliver(textUpdate('Track my order'));
    expect(await path.conversation(CHAT_ID)).toMatchObject({ status: 'ended', result: 'tracked' });
  });

  it('leaves a group’s /start@other_bot DATA alone, and starts on its own /start@name', async () => {
    const path = await open();
    await path.deliver(textUpdate('/start@SHOP_TEST_BOT 7', GROUP_CHAT));
    expect(await path.conversation(GROUP_CHAT.id)).toMatchObject({
      block: 'pick',
      variables: { clientExternalId: '7' },
    });
    const sent = api.callsOf('sendMessage').length;
    await path.deliver(textUpdate('/start@other_bot eyJlSWQiOiI0MiJ9', GROUP_CHAT));
    expect(api.callsOf('sendMessage')).toHaveLength(sent);
    expect(await path.conversation(GROUP_CHAT.id)).toMatchObject({
      block: 'pick',
      variables: { clientExternalId: '7' },
    });
  });
});

describe('the webhook’s getMe', () => {
  it('is called once, at the first update, when no username is given', async () => {
    const path = await webhook();
    expect(api.callsOf('getMe')).toEqual([]);
    await path.deliver(textUpdate('/start'));
    await path.deliver(textUpdate('/help'));
    expect(api.callsOf('getMe')).toHaveLength(1);
  });
});
