import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleUpdate } from '../../../channels/adapter.js';
import { createVkWebhook } from '../../../channels/vk/webhook.js';
import {
  json,
  startRecordingServer,
  type RecordedRequest,
  type RecordingServer,
} from '../../support/recording-server.js';
import {
  botWithStore,
  buttonsScript,
  expectBotflowError,
  LONG_LABEL,
  runWebhook,
  webhookRequest,
} from './helpers.js';
import { fixtureBytes, fixtureJson } from '../../support/channel-fixtures.js';

const SECRET = 's3cr3t'; // the fixtures' secret
const CONFIRMATION = 'a1b2c3d4';
const TOKEN = 'vk1.a.communityToken-8f3e';
const GROUP = 200000001;
const USER = '123456789';

let vkApi: RecordingServer;
beforeEach(async () => {
  // messages.send answers the new message's id (dev.vk.com/method/messages.send).
  vkApi = await startRecordingServer((_call, response) => json(response, 200, { response: 123 }));
});
afterEach(() => vkApi.close());

function vkWebhook() {
  return createVkWebhook({
    confirmation: CONFIRMATION,
    secret: SECRET,
    accessToken: TOKEN,
    groupId: GROUP,
    apiRoot: vkApi.origin,
  });
}

/** A messages.send call's form, with its keyboard parsed and its random_id checked and left out. */
function sentForm(call: RecordedRequest): Record<string, unknown> {
  expect([call.method, call.url, call.headers['content-type']]).toEqual([
    'POST',
    '/method/messages.send',
    'application/x-www-form-urlencoded',
  ]);
  const { random_id: randomId, keyboard, ...fields } = Object.fromEntries(new URLSearchParams(call.body));
  expect(Number.isInteger(Number(randomId)) && Number(randomId) >= 1 && Number(randomId) < 2 ** 31).toBe(
    true,
  );
  return keyboard === undefined ? fields : { ...fields, keyboard: JSON.parse(keyboard) as unknown };
}

function textButton(label: string, value = label) {
  return { action: { type: 'text', label, payload: JSON.stringify({ value }) } };
}

const COMMON = { peer_id: USER, v: '5.199', access_token: TOKEN, group_id: String(GROUP) };

describe('the VK webhook', () => {
  it('answers the confirmation callback with the confirmation string, only with the right secret', async () => {
    const { bot, store } = botWithStore();
    const body = fixtureBytes('webhooks/vk-confirmation.json');
    expect(await runWebhook(vkWebhook(), bot, webhookRequest({ body }))).toEqual({
      status: 200,
      body: CONFIRMATION,
    });
    const wrong = Buffer.from(body.toString('utf8').replace(SECRET, 'guess'));
    expect(await runWebhook(vkWebhook(), bot, webhookRequest({ body: wrong }))).toEqual({
      status: 401,
      body: 'bad secret',
    });
    expect(store.size).toBe(0);
  });

  it('runs a conversation from a vk.me link, replying with messages.send and answering ok', async () => {
    const adapter = vkWebhook();
    const { bot } = botWithStore();

    // message_new with the link's ref and the Start button's payload (see the fixtures README).
    const start = await runWebhook(
      adapter,
      bot,
      webhookRequest({ body: fixtureBytes('vk-message-new.json') }),
    );
    expect(start).toEqual({ status: 200, body: 'ok' });
    expect(vkApi.requests.map(sentForm)).toEqual([
      { ...COMMON, message: 'Hello! We know you as Moscow.' },
      {
        ...COMMON,
        message: 'What can we do for you?',
        keyboard: {
          one_time: true,
          // One button a row; the long label cut at a word to VK's 40 characters.
          buttons: [
            [textButton('Track my order')],
            [textButton('Talk to a person about a very important…', LONG_LABEL)],
          ],
        },
      },
    ]);

    const reply = await runWebhook(
      adapter,
      bot,
      webhookRequest({ body: fixtureBytes('webhooks/vk-keyboard-reply.json') }),
    );
    expect(reply).toEqual({ status: 200, body: 'ok' });
    expect(vkApi.requests.slice(2).map(sentForm)).toEqual([
      { ...COMMON, message: 'Your order is on its way.' },
    ]);
    expect(await bot.conversation(`vk:${USER}`)).toMatchObject({ status: 'ended', result: 'tracked' });
    // Every send gets its own random_id, which VK uses to drop repeats.
    const ids = vkApi.requests.map((call) => new URLSearchParams(call.body).get('random_id'));
    expect(new Set(ids).size).toBe(3);
  });

  it('lays more than 10 buttons out two a row', async () => {
    const buttons = Array.from({ length: 11 }, (_, i) => `Choice ${i + 1}`);
    const { bot } = botWithStore(buttonsScript(buttons));
    await runWebhook(
      vkWebhook(),
      bot,
      webhookRequest({ body: fixtureBytes('webhooks/vk-keyboard-reply.json') }),
    );
    const [form] = vkApi.requests.map(sentForm);
    expect(form?.keyboard).toEqual({
      one_time: true,
      buttons: [0, 2, 4, 6, 8, 10].map((i) => buttons.slice(i, i + 2).map((button) => textButton(button))),
    });
  });

  it('refuses a wrong, missing or non-text secret, and another community, and nothing runs or is sent', async () => {
    const adapter = vkWebhook();
    const { bot, store } = botWithStore();
    const message = fixtureJson('vk-message-new.json') as Record<string, unknown>;
    const refused = [
      [{ ...message, secret: 'S3CR3T' }, 'bad secret'],
      [{ ...message, secret: undefined }, 'bad secret'],
      [{ ...message, secret: [SECRET] }, 'bad secret'],
      [{ ...message, secret: `${SECRET} ` }, 'bad secret'],
      [{ ...message, group_id: 200000002 }, 'wrong group_id'],
      [{ ...message, group_id: String(GROUP) }, 'wrong group_id'],
    ] as const;
    for (const [body, reason] of refused) {
      expect(await runWebhook(adapter, bot, webhookRequest({ body: JSON.stringify(body) }))).toEqual({
        status: 401,
        body: reason,
      });
    }
    expect(store.size).toBe(0);
    expect(vkApi.requests).toEqual([]);
  });

  it('refuses a body that is not JSON with 400, and any method but POST', () => {
    const adapter = vkWebhook();
    expect(adapter.screen(webhookRequest({ body: 'type=confirmation&secret=s3cr3t' }))).toEqual({
      status: 400,
      body: 'the body is not JSON',
    });
    expect(adapter.screen(webhookRequest({ method: 'GET' }))).toEqual({
      status: 405,
      body: 'method not allowed',
    });
  });

  it('throws channel.send-failed with the VK error when messages.send is refused, never the token', async () => {
    // VK answers HTTP 200 with an error object (dev.vk.com/reference/errors).
    vkApi.handle((_call, response) =>
      json(response, 200, {
        error: {
          error_code: 5,
          error_msg: 'User authorization failed: invalid access_token (4).',
          request_params: [{ key: 'access_token', value: TOKEN }],
        },
      }),
    );
    const { bot } = botWithStore();
    const handled = await handleUpdate(bot, 'vk', fixtureJson('vk-message-new.json'));
    await expectBotflowError(
      () => vkWebhook().deliver(handled),
      'channel.send-failed',
      'the VK API refused the message: error 5, User authorization failed: invalid access_token (4)',
    );
  });
});
