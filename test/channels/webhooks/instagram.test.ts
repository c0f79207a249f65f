import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInstagramWebhook } from '../../../channels/instagram/webhook.js';
import {
  json,
  jsonBodies,
  startRecordingServer,
  type RecordingServer,
} from '../../support/recording-server.js';
import { botWithStore, LONG_LABEL, runWebhook, webhookRequest } from './helpers.js';
import { fixtureBytes, hmacHex } from '../../support/channel-fixtures.js';

const APP_SECRET = 'ig-app-secret-77aa';
const PAGE_TOKEN = 'EAAInstagramPageToken-31';
const USER = '5432109876543210';

let graph: RecordingServer;
beforeEach(async () => {
  graph = await startRecordingServer((_call, response) =>
    json(response, 200, { recipient_id: USER, message_id: 'aWdf_1' }),
  );
});
afterEach(() => graph.close());

function instagramWebhook() {
  return createInstagramWebhook({
    appSecret: APP_SECRET,
    verifyToken: 'ig-verify',
    accessToken: PAGE_TOKEN,
    apiRoot: graph.origin,
    graphVersion: 'v24.0',
  });
}

function signedPost(body: Buffer | string) {
  return webhookRequest({ body, headers: { 'x-hub-signature-256': `sha256=${hmacHex(APP_SECRET, body)}` } });
}

describe('the Instagram webhook', () => {
  it('answers the verification request like Messenger', () => {
    const request = webhookRequest({
      method: 'GET',
      query: 'hub.mode=subscribe&hub.verify_token=ig-verify&hub.challenge=CHALLENGE_ACCEPTED',
    });
    expect(instagramWebhook().screen(request)).toEqual({ status: 200, body: 'CHALLENGE_ACCEPTED' });
  });

  it('runs a conversation from an ig.me link through the Send API, then takes a quick reply', async () => {
    const adapter = instagramWebhook();
    const { bot } = botWithStore();

    const start = await runWebhook(
      adapter,
      bot,
      signedPost(fixtureBytes('webhooks/instagram-referral.json')),
    );
    expect(start).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(graph.requests.map((call) => [call.url, call.headers.authorization])).toEqual([
      ['/v24.0/me/messages', `Bearer ${PAGE_TOKEN}`],
      ['/v24.0/me/messages', `Bearer ${PAGE_TOKEN}`],
    ]);
    expect(jsonBodies(graph.requests)).toEqual([
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: { text: 'Hello! We know you as 79000000000.' },
      },
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: {
          text: 'What can we do for you?',
          quick_replies: [
            { content_type: 'text', title: 'Track my order', payload: 'Track my order' },
            { content_type: 'text', title: 'Talk to a person…', payload: LONG_LABEL },
          ],
        },
      },
    ]);

    // The user taps the cut title; its payload carries the whole label back.
    await runWebhook(adapter, bot, signedPost(fixtureBytes('webhooks/instagram-quick-reply.json')));
    expect(jsonBodies(graph.requests.slice(2))).toEqual([
      {
        recipient: { id: USER },
        messaging_type: 'RESPONSE',
        message: { text: 'A person will answer you soon.' },
      },
    ]);
    expect(await bot.conversation(`instagram:${USER}`)).toMatchObject({
      status: 'ended',
      result: 'handover',
    });
  });

  it("runs nothing for a signed Messenger body: Instagram's are `object: instagram`", async () => {
    const { bot, store } = botWithStore();
    const answer = await runWebhook(
      instagramWebhook(),
      bot,
      signedPost(fixtureBytes('webhooks/facebook-get-started.json')),
    );
    expect(answer).toEqual({ status: 200, body: 'EVENT_RECEIVED' });
    expect(store.size).toBe(0);
    expect(graph.requests).toEqual([]);
  });

  it("refuses a body signed with Messenger's app secret instead of this app's", async () => {
    const { bot, store } = botWithStore();
    const body = fixtureBytes('webhooks/instagram-referral.json');
    const request = webhookRequest({
      body,
      headers: { 'x-hub-signature-256': `sha256=${hmacHex('app-secret-4f1c', body)}` },
    });
    expect(await runWebhook(instagramWebhook(), bot, request)).toEqual({
      status: 401,
      body: 'bad signature',
    });
    expect(store.size).toBe(0);
    expect(graph.requests).toEqual([]);
  });
});
