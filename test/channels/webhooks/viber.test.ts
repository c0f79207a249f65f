import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleUpdate } from '../../../channels/adapter.js';
import { createViberWebhook } from '../../../channels/viber/webhook.js';
import {
  json,
  jsonBodies,
  startRecordingServer,
  text,
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
import { fixtureBytes, fixtureJson, hmacHex } from '../../support/channel-fixtures.js';

const AUTH_TOKEN = '445da6az1s345z78-dazcczb2542zv51a-e0vc5fva17480im9';
const USER = '01234567890A=';
const SENDER = { name: 'Shop Bot', avatar: 'https://example.com/avatar.jpg' };

let viberApi: RecordingServer;
beforeEach(async () => {
  // send_message's success answer (developers.viber.com/docs/api/rest-bot-api/#send-message).
  viberApi = await startRecordingServer((_call, response) =>
    json(response, 200, {
      status: 0,
      status_message: 'ok',
      message_token: 5741311803571721,
      chat_hostname: 'SN-CHAT-05_',
    }),
  );
});
afterEach(() => viberApi.close());

function viberWebhook() {
  return createViberWebhook({
    authToken: AUTH_TOKEN,
    botName: SENDER.name,
    avatar: SENDER.avatar,
    apiRoot: viberApi.origin,
  });
}

/** A callback signed the way Viber signs: X-Viber-Content-Signature over the raw body with the auth token. */
function signedCallback(body: Buffer | string) {
  return webhookRequest({ body, headers: { 'x-viber-content-signature': hmacHex(AUTH_TOKEN, body) } });
}

function keyboardButton(text: string, columns = 6) {
  return { Columns: columns, Rows: 1, ActionType: 'reply', ActionBody: text, Text: text };
}

describe('the Viber webhook', () => {
  it("answers Viber's set-webhook check with 200 and runs nothing", async () => {
    const { bot, store } = botWithStore();
    const answer = await runWebhook(
      viberWebhook(),
      bot,
      signedCallback(fixtureBytes('webhooks/viber-webhook-check.json')),
    );
    expect(answer).toEqual({ status: 200, body: '' });
    expect(store.size).toBe(0);
    expect(viberApi.requests).toEqual([]);
  });

  it('answers conversation_started with one welcome message, then replies through send_message', async () => {
    const adapter = viberWebhook();
    const { bot } = botWithStore();

    // creators.viber.com/docs/bots-api/events/conversation-started, with a deep link's context.
    const welcome = await runWebhook(
      adapter,
      bot,
      signedCallback(fixtureBytes('viber-conversation-started.json')),
    );
    expect(welcome.status).toBe(200);
    expect(JSON.parse(welcome.body)).toEqual({
      type: 'text',
      sender: SENDER,
      text: 'Hello! We know you as externalId.\n\nWhat can we do for you?',
      keyboard: {
        Type: 'keyboard',
        DefaultHeight: false,
        Buttons: [keyboardButton('Track my order'), keyboardButton(LONG_LABEL)],
      },
    });
    // Viber allows no send_message before the user writes.
    expect(viberApi.requests).toEqual([]);

    const reply = await runWebhook(
      adapter,
      bot,
      signedCallback(fixtureBytes('webhooks/viber-keyboard-reply.json')),
    );
    expect(reply).toEqual({ status: 200, body: '' });
    expect(
      viberApi.requests.map((call) => [call.method, call.url, call.headers['x-viber-auth-token']]),
    ).toEqual([['POST', '/pa/send_message', AUTH_TOKEN]]);
    expect(jsonBodies(viberApi.requests)).toEqual([
      { receiver: USER, type: 'text', sender: SENDER, text: 'Your order is on its way.' },
    ]);
    expect(await bot.conversation(`viber:${USER}`)).toMatchObject({
      status: 'ended',
      result: 'tracked',
      variables: { clientExternalId: 'externalId' },
    });
  });

  it('sends a keyboard through send_message, two buttons a row past 12', async () => {
    const buttons = Array.from({ length: 13 }, (_, i) => `Choice ${i + 1}`);
    const { bot } = botWithStore(buttonsScript(buttons));
    // A message from someone without a conversation starts one, answered through send_message.
    await runWebhook(viberWebhook(), bot, signedCallback(fixtureBytes('webhooks/viber-keyboard-reply.json')));
    expect(jsonBodies(viberApi.requests)).toEqual([
      {
        receiver: USER,
        type: 'text',
        sender: SENDER,
        text: 'Pick one',
        keyboard: {
          Type: 'keyboard',
          DefaultHeight: false,
          Buttons: buttons.map((button) => keyboardButton(button, 3)),
        },
      },
    ]);
  });

  it('refuses a callback without a valid signature, and nothing runs or is sent', async () => {
    const adapter = viberWebhook();
    const { bot, store } = botWithStore();
    const body = fixtureBytes('viber-conversation-started.json');
    const forged = [
      {},
      { 'x-viber-content-signature': hmacHex('another-token', body) },
      { 'x-viber-content-signature': hmacHex(AUTH_TOKEN, fixtureBytes('viber-message.json')) },
      { 'x-viber-content-signature': `sha256=${hmacHex(AUTH_TOKEN, body)}` },
      { 'x-viber-content-signature': '' },
    ];
    for (const headers of forged) {
      expect(await runWebhook(adapter, bot, webhookRequest({ body, headers }))).toEqual({
        status: 401,
        body: 'bad signature',
      });
    }
    expect(adapter.screen(webhookRequest({ method: 'GET' }))).toEqual({
      status: 405,
      body: 'method not allowed',
    });
    expect(store.size).toBe(0);
    expect(viberApi.requests).toEqual([]);
  });

  it('refuses a signed body that is not JSON with 400', () => {
    expect(viberWebhook().screen(signedCallback('event=message'))).toEqual({
      status: 400,
      body: 'the body is not JSON',
    });
  });

  it("throws channel.send-failed with Viber's status when send_message is refused, never the token", async () => {
    // Viber answers HTTP 200 with a non-zero status (developers.viber.com/docs/api/rest-bot-api/#errors).
    viberApi.handle((_call, response) =>
      json(response, 200, { status: 2, status_message: `invalidAuthToken ${AUTH_TOKEN}` }),
    );
    const adapter = viberWebhook();
    const { bot } = botWithStore();
    const handled = await handleUpdate(bot, 'viber', fixtureJson('webhooks/viber-keyboard-reply.json'));
    await expectBotflowError(
      () => adapter.deliver(handled),
      'channel.send-failed',
      'the Viber API refused the message: status 2 (invalidAuthToken ***)',
    );
  });

  it('throws channel.send-failed when the API answers with something that is not Viber', async () => {
    viberApi.handle((_call, response) => text(response, 502, '<html>Bad Gateway</html>'));
    const { bot } = botWithStore();
    const handled = await handleUpdate(bot, 'viber', fixtureJson('webhooks/viber-keyboard-reply.json'));
    await expectBotflowError(
      () => viberWebhook().deliver(handled),
      'channel.send-failed',
      'the Viber API refused the message with HTTP 502: its answer carries no status',
    );
  });
});
