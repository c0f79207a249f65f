import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handleUpdate } from '../../../channels/adapter.js';
import { createFacebookWebhook } from '../../../channels/facebook/webhook.js';
import { BotflowError } from '../../../engine/index.js';
import {
  json,
  jsonBodies,
  startRecordingServer,
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

const APP_SECRET = 'app-secret-4f1c';
const VERIFY_TOKEN = 'verify-me-9d2e';
const PAGE_TOKEN = 'EAAPageToken-5b7a';
const USER = '1254459154682919';

let graph: RecordingServer;
beforeEach(async () => {
  // The Send API's success answer (developers.facebook.com/docs/messenger-platform/reference/send-api).
  graph = await startRecordingServer((call, response) =>
    json(response, 200, {
      recipient_id: (JSON.parse(call.body) as { recipient: { id: string } }).recipient.id,
      message_id: 'm_1',
    }),
  );
});
afterEach(() => graph.close());

function facebookWebhook() {
  return createFacebookWebhook({
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    accessToken: PAGE_TOKEN,
    apiRoot: graph.origin,
  });
}

/** A POST signed the way Meta signs: X-Hub-Signature-256 over the raw body with the app secret. */
function signedPost(body: Buffer | string) {
  return webhookRequest({ body, headers: { 'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, body)}` } });
}

function textMessage(text: string) {
  return { recipient: { id: USER }, messaging_type: 'RESPONSE', message: { text } };
}

describe('the Messenger webhook', () => {
  it("answers Meta's verification request with the challenge, only for the right verify token", () => {
    const adapter = facebookWebhook();
    const handshake = (token: string, mode = 'subscribe') =>
      adapter.screen(
        webhookRequest({
          method: 'GET',
          query: `hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=1158201444`,
        }),
      );
    expect(handshake(VERIFY_TOKEN)).toEqual({ status: 200, body: '1158201444' });
    expect(handshake('guessed')).toEqual({ status: 403, body: 'bad verify token' });
    expect(handshake(VERIFY_TOKEN, 'unsubscribe')).toEqual({ status: 403, body: 'bad verify token' });
    expect(adapter.screen(webhookRequest({ method: 'GET' }))).toEqual({
      status: 403,
      body: 'bad verify token',
    });
    expect(adapter.screen(webhookRequest({ method: 'PUT' }))).toEqual({
      status: 405,
      body: 'method not allowed',
    });
  });

  it('runs a conversation from an m.me link: greeting and quick replies, then the tapped reply', async () => {
    const adapter = facebookWebhook();
    const { bot, store } = botWithStore();

    const start = await runWebhook(
      adapter,
      bot,
      signedPost(fixtureBytes('webhooks/facebook-get-started.json')),
    );
    expect(start).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(graph.requests.map((call) => [call.method, call.url])).toEqual([
      ['POST', '/v25.0/me/messages'],
      ['POST', '/v25.0/me/messages'],
    ]);
    // The token travels as a bearer header, never in the URL.
    for (const call of graph.requests) {
      expect(call.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.url).not.toContain(PAGE_TOKEN);
    }
    expect(jsonBodies(graph.requests)).toEqual([
      textMessage('Hello! We know you as email@gmail.com.'),
      {
        ...textMessage('What can we do for you?'),
        message: {
          text: 'What can we do for you?',
          quick_replies: [
            { content_type: 'text', title: 'Track my order', payload: 'Track my order' },
            // Cut at a word to Meta's 20 characters; the payload keeps the whole label.
            { content_type: 'text', title: 'Talk to a person…', payload: LONG_LABEL },
          ],
        },
      },
    ]);

    const reply = await runWebhook(
      adapter,
      bot,
      signedPost(fixtureBytes('webhooks/facebook-quick-reply.json')),
    );
    expect(reply).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(jsonBodies(graph.requests.slice(2))).toEqual([textMessage('Your order is on its way.')]);
    expect(await bot.conversation(`facebook:${USER}`)).toMatchObject({
      status: 'ended',
      result: 'tracked',
      variables: { email: 'email@gmail.com', topic: 'track' },
    });
    expect(store.size).toBe(1);
  });

  it('starts a chat-plugin guest known only by sender.user_ref from its referral, and answers it by user_ref', async () => {
    // Meta's messaging_postbacks example: a sender with user_ref and no id.
    const adapter = facebookWebhook();
    const { bot } = botWithStore();
    const start = await runWebhook(adapter, bot, signedPost(fixtureBytes('webhooks/facebook-user-ref.json')));
    expect(start).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(await bot.conversation('facebook:user_ref:guest-5f0c1e7a9b')).toMatchObject({
      status: 'waiting',
      variables: { clientExternalId: '42', startParam: 'eyJlSWQiOiI0MiJ9' },
    });
    const recipients = jsonBodies(graph.requests).map((body) => (body as { recipient: unknown }).recipient);
    expect(recipients).toEqual([{ user_ref: 'guest-5f0c1e7a9b' }, { user_ref: 'guest-5f0c1e7a9b' }]);
  });

  it('starts a checkbox-plugin opt-in, named only by optin.user_ref, and answers it by user_ref', async () => {
    const adapter = facebookWebhook();
    const { bot } = botWithStore();
    const start = await runWebhook(adapter, bot, signedPost(fixtureBytes('webhooks/facebook-optins.json')));
    expect(start).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(await bot.conversation('facebook:user_ref:checkbox-8c1d2e3f4a')).toMatchObject({
      status: 'waiting',
      variables: { clientExternalId: '42', startParam: 'eyJlSWQiOiI0MiJ9' },
    });
    expect(await bot.conversation('facebook:2233445566778899')).toBeUndefined();
    const recipients = jsonBodies(graph.requests).map((body) => (body as { recipient: unknown }).recipient);
    expect(recipients).toContainEqual({ user_ref: 'checkbox-8c1d2e3f4a' });
    expect(recipients).toContainEqual({ id: '1254459154682919' });
    expect(recipients).not.toContainEqual({ id: '2233445566778899' });
  });

  it('sends the replies of a body Meta posts twice once, and answers the redelivery so Meta stops', async () => {
    const adapter = facebookWebhook();
    const { bot, store } = botWithStore();
    const key = `facebook:${USER}`;
    /** Posts `fixture` twice; gives the Send API calls of each post and checks the store kept still. */
    const postTwice = async (fixture: string) => {
      const request = signedPost(fixtureBytes(fixture));
      const before = graph.requests.length;
      expect(await runWebhook(adapter, bot, request)).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
      const stored = await store.get(key);
      const sent = graph.requests.length;
      expect(await runWebhook(adapter, bot, request)).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
      expect(await store.get(key)).toEqual(stored);
      return [jsonBodies(graph.requests.slice(before, sent)), jsonBodies(graph.requests.slice(sent))];
    };

    const [greeting, greetingAgain] = await postTwice('webhooks/facebook-get-started.json');
    expect(greeting?.map((sent) => (sent as { message: { text: string } }).message.text)).toEqual([
      'Hello! We know you as email@gmail.com.',
      'What can we do for you?',
    ]);
    expect(greetingAgain).toEqual([]);

    // The tap ends the conversation; applied again, it would have started a new one and greeted anew.
    const [answer, answerAgain] = await postTwice('webhooks/facebook-quick-reply.json');
    expect(answer).toEqual([textMessage('Your order is on its way.')]);
    expect(answerAgain).toEqual([]);
    expect(await bot.conversation(key)).toMatchObject({ status: 'ended', result: 'tracked' });
    expect(graph.requests).toHaveLength(3);
  });

  it('refuses a POST without a valid signature, and nothing runs or is sent', async () => {
    const adapter = facebookWebhook();
    const { bot, store } = botWithStore();
    const body = fixtureBytes('webhooks/facebook-get-started.json');
    const other = fixtureBytes('webhooks/facebook-quick-reply.json');
    const forged = [
      {},
      { 'x-hub-signature-256': `sha256=${hmacHex('not-the-app-secret', body)}` },
      { 'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, other)}` },
      { 'x-hub-signature-256': hmacHex(APP_SECRET, body) },
      { 'x-hub-signature-256': `sha1=${hmacHex(APP_SECRET, body)}` },
      { 'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, body).slice(0, 63)}` },
      { 'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, body).slice(0, 62)}zz` },
      { 'x-hub-signature-256': [`sha256=${hmacHex(APP_SECRET, body)}`, 'sha256=00'] },
    ];
    for (const headers of forged) {
      expect(await runWebhook(adapter, bot, webhookRequest({ body, headers }))).toEqual({
        status: 401,
        body: 'bad signature',
      });
    }
    expect(store.size).toBe(0);
    expect(graph.requests).toEqual([]);
  });

  it('refuses a signed body that is not JSON with 400', async () => {
    const { bot, store } = botWithStore();
    expect(await runWebhook(facebookWebhook(), bot, signedPost('{"object":"page",'))).toEqual({
      status: 400,
      body: 'the body is not JSON',
    });
    expect(store.size).toBe(0);
  });

  it('lets hostile but signed JSON through to a parser that finds no events in it', async () => {
    const adapter = facebookWebhook();
    const { bot, store } = botWithStore();
    const bodies = [
      '{"__proto__":{"polluted":true},"object":"page","entry":[{"messaging":[{"sender":{"__proto__":{"id":"1"}},"message":{"text":"hi"}}]}]}',
      '[{"object":"page"}]',
      '1e400',
      'null',
      '{"object":"page","entry":[{"messaging":[{"sender":{"id":1e300},"message":{"text":"hi"}}]}]}',
    ];
    for (const body of bodies) {
      const request = signedPost(body);
      expect(adapter.screen(request)).toBeUndefined();
      expect(await handleUpdate(bot, 'facebook', JSON.parse(body))).toEqual([]);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(store.size).toBe(0);
    expect(await adapter.deliver([])).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(graph.requests).toEqual([]);
  });

  it('sends at most 13 quick replies, each title within 20 characters', async () => {
    const buttons = [
      'Supercalifragilisticexpialidocious',
      ...Array.from({ length: 14 }, (_, i) => `Option ${i + 2}`),
    ];
    const { bot } = botWithStore(buttonsScript(buttons));
    await runWebhook(facebookWebhook(), bot, signedPost(fixtureBytes('webhooks/facebook-get-started.json')));
    const [sent] = jsonBodies(graph.requests) as [
      { message: { quick_replies: { title: string; payload: string }[] } },
    ];
    const replies = sent.message.quick_replies;
    expect(replies).toHaveLength(13);
    // No word ends in the second half, so the cut falls between letters.
    expect(replies[0]).toEqual({
      content_type: 'text',
      title: 'Supercalifragilisti…',
      payload: 'Supercalifragilisticexpialidocious',
    });
    expect(replies.every((reply) => reply.title.length <= 20)).toBe(true);
    expect(replies.at(-1)?.payload).toBe('Option 13');
  });

  it('cuts an emoji label only between emoji', async () => {
    const { bot } = botWithStore(buttonsScript(['🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉']));
    await runWebhook(facebookWebhook(), bot, signedPost(fixtureBytes('webhooks/facebook-get-started.json')));
    const [sent] = jsonBodies(graph.requests) as [{ message: { quick_replies: { title: string }[] } }];
    // Each 🎉 is two UTF-16 units: nine fit beside the ellipsis in 20.
    expect(sent.message.quick_replies[0]?.title).toBe('🎉🎉🎉🎉🎉🎉🎉🎉🎉…');
  });

  it('throws channel.send-failed with the Graph error, never the token, when Meta refuses a message', async () => {
    // A Graph API error (developers.facebook.com/docs/graph-api/guides/error-handling) that echoes the token.
    graph.handle((_call, response) =>
      json(response, 400, {
        error: {
          message: `Invalid OAuth access token - Cannot parse access token ${PAGE_TOKEN}.`,
          type: 'OAuthException',
          code: 190,
          fbtrace_id: 'AbCdEf',
        },
      }),
    );
    const adapter = facebookWebhook();
    const { bot } = botWithStore();
    const handled = await handleUpdate(bot, 'facebook', fixtureJson('webhooks/facebook-get-started.json'));
    await expectBotflowError(
      () => adapter.deliver(handled),
      'channel.send-failed',
      'the Messenger Send API refused the message with HTTP 400: Invalid OAuth access token - Cannot parse access token ***',
    );
    // The first message failed, so the conversation's second one was not sent after it.
    expect(graph.requests).toHaveLength(1);
  });

  it("still answers other senders of a batched body when one sender's message fails", async () => {
    graph.handle((call, response) =>
      call.body.includes('"2233445566778899"')
        ? json(response, 400, {
            error: { message: "(#551) This person isn't available right now.", code: 551 },
          })
        : json(response, 200, { recipient_id: USER, message_id: 'm_2' }),
    );
    const adapter = facebookWebhook();
    const { bot } = botWithStore();
    // The fixture's first entry: a Get Started without a ref (2233…) after one with a ref (1254…).
    const body = fixtureJson('facebook-webhook.json') as {
      entry: { messaging: unknown[] }[];
    };
    const [first] = body.entry;
    const batch = {
      object: 'page',
      entry: [{ ...first, messaging: [first?.messaging[1], first?.messaging[0]] }],
    };
    const handled = await handleUpdate(bot, 'facebook', batch);
    const failure = await adapter.deliver(handled).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BotflowError);
    expect(failure).toMatchObject({
      message:
        "the Messenger Send API refused the message with HTTP 400: (#551) This person isn't available right now",
    });
    const recipients = jsonBodies(graph.requests).map(
      (sent) => (sent as { recipient: { id: string } }).recipient.id,
    );
    expect(recipients).toEqual(['2233445566778899', USER, USER]);
  });

  it('refuses to be created without its secrets or with a bad API root or version', () => {
    const options = { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, accessToken: PAGE_TOKEN };
    expect(() => createFacebookWebhook({ ...options, appSecret: '' })).toThrow(
      new BotflowError('channel.bad-option', 'the facebook webhook needs a non-empty appSecret'),
    );
    expect(() => createFacebookWebhook({ ...options, apiRoot: 'ftp://graph.example' })).toThrow(
      'the facebook webhook needs an http(s) apiRoot without query or fragment, not "ftp://graph.example"',
    );
    expect(() => createFacebookWebhook({ ...options, graphVersion: '../v1' })).toThrow(
      'the facebook webhook needs a graphVersion like v25.0, not "../v1"',
    );
  });
});
