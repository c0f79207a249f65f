import { describe, expect, it } from 'vitest';
import { conversationKey, handleUpdate, type HandledEvent } from '../../channels/adapter.js';
import type { ChannelName } from '../../channels/types.js';
import { MemoryStore, type Bot, type StoredRecord, type Turn } from '../../engine/index.js';
import { botOf, COLLECTOR, texts } from '../support/scripts.js';
import { fixtureJson } from '../support/channel-fixtures.js';
import { CHAT_ID, textUpdate } from '../support/telegram.js';

/*
 * A messenger delivers an update again when it did not hear back in time. The engine keeps the ids
 * of the last messages it applied to a conversation, so running the same update again through
 * handleUpdate must change nothing and say nothing.
 */

const DUPLICATE = {
  severity: 'warning',
  code: 'message.duplicate',
  message: 'this message was applied already (the messenger delivered it again); it was not applied twice',
};

/** An update as the messenger sends it (parsed afresh on each call, as each delivery is) and its event's id. */
interface Sample {
  readonly body: () => unknown;
  readonly id: string;
}

interface Case {
  readonly channel: ChannelName;
  /** The chat both updates come from. */
  readonly chatId: string;
  /** A start in that chat: a link opened, Get Started, /start. */
  readonly start: Sample;
  /** A later update in which the user answers the collector's question… */
  readonly reply: Sample;
  /** …with this text, as the bot is handed it. */
  readonly text: string;
}

/** A fixture from test/fixtures/channels/ (see the README there for each file's source). */
function fixture(name: string, id: string): Sample {
  return { body: () => fixtureJson(name), id };
}

/** A Telegram update from the grammy suite's helpers; its id is the update_id. */
function telegram(text: string): Sample {
  const update = textUpdate(text);
  return { body: () => structuredClone(update), id: String(update.update_id) };
}

const CASES: readonly Case[] = [
  {
    channel: 'telegram',
    chatId: String(CHAT_ID),
    start: telegram('/start 1234567'),
    reply: telegram('Track my order'),
    text: 'Track my order',
  },
  {
    channel: 'facebook',
    chatId: '1254459154682919',
    start: fixture(
      'webhooks/facebook-get-started.json',
      'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P',
    ),
    reply: fixture('webhooks/facebook-quick-reply.json', 'm_quick_reply_track'),
    text: 'Track my order',
  },
  {
    channel: 'instagram',
    chatId: '5432109876543210',
    // A referral has no mid: its timestamp is its id.
    start: fixture('webhooks/instagram-referral.json', '1502905976400'),
    reply: fixture(
      'webhooks/instagram-quick-reply.json',
      'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDA1ODIyMzA0OTE2',
    ),
    text: 'Talk to a person about a very important matter',
  },
  {
    channel: 'viber',
    chatId: '01234567890A=',
    // Time and message_token; the tokens (…145 and …146) read as the same double, the times differ.
    start: fixture('viber-conversation-started.json', '1457764197627:4912661846655238000'),
    reply: fixture('webhooks/viber-keyboard-reply.json', '1457764198627:4912661846655238000'),
    text: 'Track my order',
  },
  {
    channel: 'vk',
    chatId: '123456789',
    start: fixture('vk-message-new.json', '8a5f3b3c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a'),
    reply: fixture('webhooks/vk-keyboard-reply.json', '9b6f4c4d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b'),
    text: 'Track my order',
  },
  {
    channel: 'whatsapp',
    chatId: '79000000000',
    // The messages webhook also holds another user's message, which starts a conversation of its own.
    start: fixture(
      'whatsapp-messages.json',
      'wamid.HBgLNzkwMDAwMDAwMDAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgB=',
    ),
    // A later text message of the same user (whatsapp-reply.json, see the fixtures README).
    reply: fixture('whatsapp-reply.json', 'wamid.HBgLNzkwMDAwMDAwMDAVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgD='),
    text: 'Track my order',
  },
];

function collector(): { bot: Bot; store: MemoryStore } {
  const store = new MemoryStore();
  return { bot: botOf(COLLECTOR, { store }), store };
}

/** The one event of `handled` in the case's chat, after checking it carries the sample's id. */
function eventIn(handled: readonly HandledEvent[], c: Case, sample: Sample): HandledEvent {
  const [ours, ...more] = handled.filter(({ key }) => key === conversationKey(c.channel, c.chatId));
  expect([ours, ...more].map((one) => one?.event.id)).toEqual([sample.id]);
  if (!ours) throw new Error(`no event in ${c.channel}:${c.chatId}`);
  return ours;
}

/** What the store holds for each conversation `handled` touched. */
function records(
  store: MemoryStore,
  handled: readonly HandledEvent[],
): Promise<(StoredRecord | undefined)[]> {
  return Promise.all(handled.map(({ key }) => store.get(key)));
}

/** Delivers `sample` twice; checks the second delivery applied, said and stored nothing for any of its events. */
async function expectRedeliveryIgnored(
  bot: Bot,
  store: MemoryStore,
  c: Case,
  sample: Sample,
): Promise<HandledEvent> {
  const first = await handleUpdate(bot, c.channel, sample.body());
  const before = await records(store, first);
  const again = await handleUpdate(bot, c.channel, sample.body());
  expect(again.map(({ event }) => event)).toEqual(first.map(({ event }) => event));
  for (const { turn } of again) {
    expect(turn.messages).toEqual([]);
    expect(turn.diagnostics).toEqual([DUPLICATE]);
  }
  expect(await records(store, again)).toEqual(before);
  return eventIn(again, c, sample);
}

describe.each(CASES)('a $channel update delivered again', (c) => {
  it('is applied once when it is a start: the redelivery neither starts over nor says anything', async () => {
    const { bot, store } = collector();
    const again = await expectRedeliveryIgnored(bot, store, c, c.start);
    expect(again.turn).toMatchObject({ status: 'waiting', block: 'next-item', variables: { log: '' } });
    expect((await store.get(again.key))?.version).toBe(1);
  });

  it('is applied once when it is a reply: the log holds it once and the conversation stays as it was', async () => {
    const { bot, store } = collector();
    await handleUpdate(bot, c.channel, c.start.body());
    const again = await expectRedeliveryIgnored(bot, store, c, c.reply);
    expect(again.turn).toMatchObject({ block: 'next-item', variables: { log: `${c.text},` } });
    expect((await store.get(again.key))?.version).toBe(2);
  });

  it('applies two different updates of the chat, each with its own id', async () => {
    const { bot } = collector();
    const started = eventIn(await handleUpdate(bot, c.channel, c.start.body()), c, c.start);
    const replied = eventIn(await handleUpdate(bot, c.channel, c.reply.body()), c, c.reply);
    expect(c.start.id).not.toBe(c.reply.id);
    expect(texts(started.turn)).toEqual(['Next?']);
    expect(texts(replied.turn)).toEqual(['Next?']);
    expect(replied.event.text).toBe(c.text);
    expect(replied.turn.variables.log).toBe(`${c.text},`);
    expect(replied.turn.diagnostics).toEqual([]);
  });
});

describe('an update without an id', () => {
  it('is applied each time it arrives, since nothing tells a redelivery from a new message', async () => {
    const { bot, store } = collector();
    const key = conversationKey('telegram', String(CHAT_ID));
    // The message of a real update, without the update_id Telegram always sends.
    const { message } = textUpdate('Track my order');
    await handleUpdate(bot, 'telegram', textUpdate('/start'));
    const turns: (Turn | undefined)[] = [];
    for (let delivery = 0; delivery < 2; delivery++) {
      const [handled] = await handleUpdate(bot, 'telegram', { message });
      expect(handled?.event).toEqual({
        channel: 'telegram',
        chatId: String(CHAT_ID),
        text: 'Track my order',
      });
      turns.push(handled?.turn);
    }
    expect(turns.map(texts)).toEqual([['Next?'], ['Next?']]);
    expect(turns.map((turn) => turn?.variables.log)).toEqual([
      'Track my order,',
      'Track my order,Track my order,',
    ]);
    expect((await store.get(key))?.version).toBe(3);
  });
});
