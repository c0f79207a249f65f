import { describe, expect, it } from 'vitest';
import { channels, conversationKey, GET_STARTED_PAYLOAD } from '../../channels/index.js';
import { isConversationKey, KEY_LIMIT } from '../../engine/index.js';
import { fixtureJson } from '../support/channel-fixtures.js';

describe('facebook updates', () => {
  // Shapes from the Messenger Platform webhook references (messages, messaging_postbacks,
  // messaging_referrals, message_deliveries); see test/fixtures/channels/README.md.
  const body = fixtureJson('facebook-webhook.json');

  it('reads every event of every entry, in order', () => {
    expect(channels.facebook.parseUpdate(body)).toEqual([
      // Get Started on a new thread opened from m.me/<page>?ref=…: the referral is the start data.
      {
        channel: 'facebook',
        chatId: '1254459154682919',
        id: 'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
        startParam: 'eyJlIjoiZW1haWxAZ21haWwuY29tIn0',
      },
      // Get Started without a ref: a start without data.
      { channel: 'facebook', chatId: '2233445566778899', id: 'm_get_started_no_ref', startParam: '' },
      // A postback button: its payload is the user's answer.
      { channel: 'facebook', chatId: '1254459154682919', id: 'm_button', text: 'track-order' },
      // An m.me link opened into an existing thread (messaging_referrals): no mid, so its timestamp.
      { channel: 'facebook', chatId: '3344556677889900', id: '1458692752478', startParam: '1234567' },
      {
        channel: 'facebook',
        chatId: '1254459154682919',
        id: 'mid.1457764197618:41d102a3e1ae206a38',
        text: 'hello, world!',
      },
      // A quick reply: the payload wins over the label.
      {
        channel: 'facebook',
        chatId: '1254459154682919',
        id: 'mid.1457764197618:41d102a3e1ae206a39',
        text: 'COLOR_RED',
      },
      // The page's own echo, an attachment and a delivery receipt give nothing.
    ]);
  });

  it('knows the Get Started payload botflow expects', () => {
    expect(GET_STARTED_PAYLOAD).toBe('GET_STARTED');
  });

  it('reads a sender known only by user_ref (a chat-plugin guest) into its own chat id, keeping the ref', () => {
    // Meta's messaging_postbacks example; see test/fixtures/channels/webhooks/README.md.
    expect(channels.facebook.parseUpdate(fixtureJson('webhooks/facebook-user-ref.json'))).toEqual([
      {
        channel: 'facebook',
        chatId: 'user_ref:guest-5f0c1e7a9b',
        id: 'm_user_ref_get_started',
        startParam: 'eyJlSWQiOiI0MiJ9',
      },
    ]);
  });

  it('starts on a plugin opt-in: a checkbox user known only by optin.user_ref, and Send to Messenger', () => {
    // messaging_optins as Meta documents them; see test/fixtures/channels/webhooks/README.md.
    expect(channels.facebook.parseUpdate(fixtureJson('webhooks/facebook-optins.json'))).toEqual([
      // The checkbox plugin: no sender, the person named by optin.user_ref, the data in optin.ref.
      {
        channel: 'facebook',
        chatId: 'user_ref:checkbox-8c1d2e3f4a',
        id: '1527459824100',
        startParam: 'eyJlSWQiOiI0MiJ9',
      },
      // Send to Messenger: a page-scoped sender, the plugin's data-ref as the data.
      { channel: 'facebook', chatId: '1254459154682919', id: '1527459824200', startParam: '1234567' },
      // An opt-in to marketing messages is consent, not a conversation.
    ]);
  });

  it('keeps a user_ref only as long as its conversation key can be, on the longest channel name', () => {
    const optin = (userRef: string) => ({
      object: 'instagram',
      entry: [{ messaging: [{ timestamp: 1, optin: { user_ref: userRef } }] }],
    });
    const longest = 'r'.repeat(KEY_LIMIT - 'instagram:user_ref:'.length);
    const [event] = channels.instagram.parseUpdate(optin(longest));
    const key = conversationKey('instagram', event?.chatId ?? '');
    expect(key).toHaveLength(KEY_LIMIT);
    expect(isConversationKey(key)).toBe(true);
    expect(channels.instagram.parseUpdate(optin(`${longest}r`))).toEqual([]);
  });

  it('reads only page webhooks', () => {
    expect(channels.facebook.parseUpdate({ ...(body as object), object: 'instagram' })).toEqual([]);
    expect(channels.instagram.parseUpdate(body)).toEqual([]);
  });
});

describe('instagram updates', () => {
  // Shapes from "Using ig.me Links" and the Instagram Platform webhook examples; see the README.
  const body = fixtureJson('instagram-webhook.json');

  it('reads ig.me referrals as starts and messages as text', () => {
    expect(channels.instagram.parseUpdate(body)).toEqual([
      // An ice breaker tapped in a new thread opened from ig.me/m/<user>?ref=…
      {
        channel: 'instagram',
        chatId: '5432109876543210',
        id: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE0',
        startParam: 'eyJwIjoiNzkwMDAwMDAwMDAifQ',
      },
      // ig.me link into an existing thread: no mid, so its timestamp.
      { channel: 'instagram', chatId: '6543210987654321', id: '1502905976400', startParam: 'spring_promo' },
      {
        channel: 'instagram',
        chatId: '5432109876543210',
        id: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE1',
        text: 'john@example.com',
      },
    ]);
  });

  it('ignores a referral without ref and events without a sender', () => {
    const event = (fields: object) => ({
      object: 'instagram',
      entry: [{ id: '1', time: 1, messaging: [fields] }],
    });
    expect(
      channels.instagram.parseUpdate(event({ sender: { id: '1' }, referral: { source: 'ADS' } })),
    ).toEqual([]);
    expect(channels.instagram.parseUpdate(event({ message: { text: 'hi' } }))).toEqual([]);
  });
});
