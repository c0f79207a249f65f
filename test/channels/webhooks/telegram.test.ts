import type { Update } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleUpdate } from '../../../channels/adapter.js';
import { createTelegramWebhook } from '../../../channels/telegram/webhook.js';
import { BotflowError, encodePayload } from '../../../engine/index.js';
import { botWithStore, expectBotflowError, runWebhook, webhookRequest } from './helpers.js';
import { FakeBotApi, TOKEN } from '../../support/fake-bot-api.js';
import {
  callbackUpdate,
  CHAT_ID,
  GROUP_CHAT,
  keyboard,
  REMOVE_KEYBOARD,
  sent,
  textUpdate,
} from '../../support/telegram.js';

const SECRET = 'wh-Secret_0123456789';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

let api: FakeBotApi;
beforeEach(async () => {
  api = await FakeBotApi.start();
});
afterEach(() => api.close());

function telegramWebhook(token = TOKEN) {
  return createTelegramWebhook({ token, secretToken: SECRET, apiRoot: api.apiRoot });
}

/** An update as Telegram posts it: JSON, with the secret token in its header. */
function post(update: Update, headers: Record<string, string | string[]> = { [SECRET_HEADER]: SECRET }) {
  return webhookRequest({ headers, body: JSON.stringify(update) });
}

const START = textUpdate(`/start ${encodePayload({ variables: { city: 'Moscow' } })}`);
const CHOICES = keyboard('Track my order', 'Talk to a person about a very important matter');
const OK = { status: 200, body: '' };

describe('the Telegram webhook', () => {
  it('runs /start DATA and replies through sendMessage, buttons as a reply keyboard', async () => {
    const adapter = telegramWebhook();
    const { bot } = botWithStore();
    expect(await runWebhook(adapter, bot, post(START))).toEqual(OK);
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Hello! We know you as Moscow.'),
      sent('What can we do for you?', CHOICES),
    ]);

    // An inline button's data runs as a reply, and the press is answered so its spinner stops.
    const press = callbackUpdate('Track my order');
    expect(await runWebhook(adapter, bot, post(press))).toEqual(OK);
    expect(api.callsOf('sendMessage').slice(2)).toEqual([sent('Your order is on its way.', REMOVE_KEYBOARD)]);
    expect(api.callsOf('answerCallbackQuery')).toEqual([{ callback_query_id: press.callback_query?.id }]);
    expect(await bot.conversation(`telegram:${CHAT_ID}`)).toMatchObject({ result: 'tracked' });
  });

  it('starts the conversation on a first text that is no /start, without reading it as a reply, as the JSON API does', async () => {
    const adapter = telegramWebhook();
    const { bot } = botWithStore();
    // A valid choice's label, sent before anything was asked: it starts the script, it picks nothing.
    const handled = await handleUpdate(bot, 'telegram', textUpdate('Track my order'));
    expect(
      handled.map(({ turn }) => [turn.block, turn.diagnostics.map(({ severity, code }) => [severity, code])]),
    ).toEqual([['pick', [['info', 'conversation.started']]]]);
    expect(await adapter.deliver(handled)).toEqual(OK);
    expect(api.callsOf('sendMessage')).toEqual([
      sent('Hello! We know you as .'),
      sent('What can we do for you?', CHOICES),
    ]);
  });

  it('sends nothing for an update delivered again, and answers a press only once', async () => {
    const adapter = telegramWebhook();
    const { bot } = botWithStore();
    await runWebhook(adapter, bot, post(START));
    const press = callbackUpdate('Track my order');
    await runWebhook(adapter, bot, post(press));
    const calls = api.calls.length;
    expect(await runWebhook(adapter, bot, post(START))).toEqual(OK);
    expect(await runWebhook(adapter, bot, post(press))).toEqual(OK);
    expect(api.calls.length).toBe(calls);
  });

  it('refuses a wrong, missing or repeated secret with 401, and nothing is stored or sent', async () => {
    const adapter = telegramWebhook();
    const { bot, store } = botWithStore();
    for (const headers of [{}, { [SECRET_HEADER]: `${SECRET}x` }, { [SECRET_HEADER]: [SECRET, SECRET] }]) {
      expect(await runWebhook(adapter, bot, post(START, headers))).toEqual({
        status: 401,
        body: 'bad secret',
      });
    }
    expect(store.size).toBe(0);
    expect(api.calls).toEqual([]);
  });

  it('refuses a body that is not JSON with 400, and any method but POST with 405', () => {
    const adapter = telegramWebhook();
    const headers = { [SECRET_HEADER]: SECRET };
    expect(adapter.screen(webhookRequest({ headers, body: 'update_id=1' }))).toEqual({
      status: 400,
      body: 'the body is not JSON',
    });
    expect(adapter.screen(webhookRequest({ method: 'GET', headers }))).toEqual({
      status: 405,
      body: 'method not allowed',
    });
  });

  it('runs /start@name through handleUpdate only when botUsername says the name is this bot', async () => {
    const { bot, store } = botWithStore();
    const groupStart = (text: string) => textUpdate(text, GROUP_CHAT);
    expect(await handleUpdate(bot, 'telegram', groupStart('/start@shop_test_bot 7'))).toEqual([]);
    const options = { botUsername: 'shop_test_bot' };
    expect(await handleUpdate(bot, 'telegram', groupStart('/start@other_bot 7'), options)).toEqual([]);
    expect(store.size).toBe(0);
    const handled = await handleUpdate(bot, 'telegram', groupStart('/start@Shop_Test_Bot 7'), options);
    expect(handled.map(({ event, key }) => [event.startParam, key])).toEqual([
      ['7', `telegram:${GROUP_CHAT.id}`],
    ]);
  });

  it('throws channel.send-failed when sendMessage fails, never with the token', async () => {
    const { bot } = botWithStore();
    const handled = await handleUpdate(bot, 'telegram', START);
    api.dropSendMessage = true;
    await expectBotflowError(
      () => telegramWebhook().deliver(handled),
      'channel.send-failed',
      'the Telegram Bot API could not be reached',
    );
    api.dropSendMessage = false;
    const refused = `${TOKEN}x`;
    const error = await telegramWebhook(refused)
      .deliver(handled)
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BotflowError);
    expect(error).toMatchObject({
      code: 'channel.send-failed',
      message: 'the Telegram Bot API refused the message with HTTP 401: Unauthorized',
    });
    expect(JSON.stringify(error) + String((error as Error).stack)).not.toContain(refused);
  });

  it('refuses a secret token that setWebhook would refuse, without quoting it', () => {
    for (const secretToken of ['', 'has space', 'a'.repeat(257), 'ünïcode']) {
      expect(() => createTelegramWebhook({ token: TOKEN, secretToken })).toThrow(BotflowError);
    }
    expect(() => createTelegramWebhook({ token: TOKEN, secretToken: 'has space' })).toThrow(
      'the telegram webhook needs a secretToken of 1 to 256 characters A-Z, a-z, 0-9, _ and -',
    );
    expect(() => createTelegramWebhook({ token: '', secretToken: SECRET })).toThrow(
      'needs a non-empty token',
    );
  });
});
