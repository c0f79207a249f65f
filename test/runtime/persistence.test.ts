import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConversationConflictError,
  createBot,
  createHttpClient,
  loadScript,
  MemoryStore,
  type Bot,
  type BotOptions,
  type SessionStore,
  type StartOptions,
  type StoredRecord,
  type Turn,
} from '../../engine/index.js';
import { decodeConversation, encodeConversation } from '../../engine/runtime/stored.js';
import { startCrm } from './helpers.js';
import { botOf, SYSTEM, yaml } from '../support/scripts.js';

const lead = await loadScript('scripts/lead-capture.yaml');
const identification = await loadScript('scripts/client-identification.yaml');
const orderStatus = await loadScript('scripts/order-status.yaml');

let crm: Awaited<ReturnType<typeof startCrm>>;
beforeAll(async () => {
  crm = await startCrm();
});
afterAll(async () => {
  await crm.close();
});

/** Every turn of one conversation, with each turn run by the bot `botFor(i)` gives. */
async function transcript(
  botFor: (turn: number) => Bot,
  start: StartOptions,
  replies: readonly string[],
): Promise<Turn[]> {
  const turns = [await botFor(0).start('k', start)];
  for (const [i, reply] of replies.entries()) turns.push(await botFor(i + 1).send('k', reply));
  return turns;
}

/**
 * The same conversation twice: once on one bot, once with a new bot for every turn over one
 * store, so that each turn restores the conversation from what the store holds.
 */
async function bothWays(options: Omit<BotOptions, 'store'>, start: StartOptions, replies: readonly string[]) {
  const onOne = createBot({ ...options, store: new MemoryStore() });
  const uninterrupted = await transcript(() => onOne, start, replies);
  const store = new MemoryStore();
  const restored = await transcript(() => createBot({ ...options, store }), start, replies);
  return { uninterrupted, restored };
}

describe('persist and restore at every waiting point', () => {
  it.each<[string, StartOptions, string[], Partial<Turn>]>([
    [
      'a lead by email, with bad replies on the way',
      { channel: 'telegram' },
      [
        'Tell me a joke',
        'buy a PLAN',
        'R2',
        'Анна Петрова',
        'Email',
        'anna@',
        'anna at example',
        'anna@example.com',
      ],
      { status: 'ended', block: 'saved', result: 'lead' },
    ],
    [
      'a lead by phone',
      {},
      ['Something else', 'Ann', 'phone', '+7 (900) 123-45-67'],
      { status: 'ended', block: 'saved', result: 'lead' },
    ],
    [
      'a phone from the link, confirmed',
      { payload: { p: '79000000000' }, channel: 'vk' },
      ['Buy a plan', 'Ann', 'yes'],
      { status: 'ended', block: 'saved', result: 'lead' },
    ],
    [
      'a phone from the link, refused, then a contact given up on',
      { payload: { p: '79000000000' } },
      ['buy', 'Ann', 'No, use another contact', 'email', 'a', 'b', 'c'],
      { status: 'ended', block: 'give-up', result: 'no-contact' },
    ],
    [
      'the topic out of retries (status error)',
      {},
      ['a', 'b', 'c'],
      { status: 'error', block: 'topic', result: null },
    ],
  ])('lead-capture: %s', async (_, start, replies, end) => {
    const { uninterrupted, restored } = await bothWays({ script: lead }, start, replies);
    expect(restored).toEqual(uninterrupted);
    expect(uninterrupted).toHaveLength(replies.length + 1);
    expect(uninterrupted.at(-1)).toMatchObject(end);
    // Every turn before the last waited for the user.
    expect(uninterrupted.slice(0, -1).map((turn) => turn.status)).toEqual(replies.map(() => 'waiting'));
  });

  it('lead-capture by email: the exact transcript', async () => {
    const { uninterrupted } = await bothWays({ script: lead }, { channel: 'telegram' }, [
      'Tell me a joke',
      'buy a PLAN',
      'R2',
      'Анна Петрова',
      'Email',
      'anna@',
      'anna@example.com',
    ]);
    const BUTTONS = ['Buy a plan', 'Support', 'Something else'];
    expect(uninterrupted.map((turn) => turn.messages)).toEqual([
      [{ text: 'Hi! What can we help you with?', buttons: BUTTONS }],
      [{ text: 'Please pick one of the buttons.', buttons: BUTTONS }],
      [{ text: 'What is your name?' }],
      [{ text: 'Just your name, please (letters only).' }],
      [{ text: 'How should we reach you?', buttons: ['Email', 'Phone'] }],
      [{ text: 'Your email?' }],
      [{ text: 'That does not look like an email, try again.' }],
      [{ text: 'Thank you, Анна Петрова! We will be in touch about buy.' }],
    ]);
    expect(uninterrupted.at(-1)?.variables).toEqual({
      ...SYSTEM,
      channel: 'telegram',
      lastMessage: 'anna@example.com',
      topic: 'buy',
      name: 'Анна Петрова',
      channelChoice: 'email',
      contact: 'anna@example.com',
    });
  });

  it('client-identification, asking for the name', async () => {
    const { uninterrupted, restored } = await bothWays({ script: identification }, { channel: 'cli' }, [
      'Ann',
    ]);
    expect(restored).toEqual(uninterrupted);
    expect(uninterrupted.at(-1)?.result).toBe('identified');
  });

  it('order-status, through a Server Request to a real HTTP server', async () => {
    const options = {
      script: orderStatus,
      env: { CRM_URL: crm.origin, CRM_TOKEN: 'token-1234' },
      http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
    };
    const { uninterrupted, restored } = await bothWays(options, { payload: { eId: '7' } }, [
      'not an email',
      'anna@example.com',
    ]);
    expect(restored).toEqual(uninterrupted);
    expect(uninterrupted.map((turn) => turn.messages)).toEqual([
      [{ text: 'You have no open order. What is your email, so we can send you our offers?' }],
      [{ text: 'That does not look like an email, try again.' }],
      [{ text: 'Thank you! We will write to anna@example.com.' }],
    ]);
    expect(uninterrupted.at(-1)).toMatchObject({ status: 'ended', block: 'done', result: 'ok' });
  });
});

describe('a reply that leads into a Server Request', () => {
  it('waits for the answer, then stores the turn past the ask (regression: the reply was lost)', async () => {
    const store = new MemoryStore();
    const text = yaml`
      botflow: 1
      name: ask-then-fetch
      env: [CRM_URL]
      variables: { product: '' }
      blocks:
        id: { type: ask, text: 'Your client number?', save: number, next: fetch }
        fetch:
          type: request
          url: '{{ env.CRM_URL }}/clients/{{ number }}'
          save: { product: body.order.product }
          on: { success: show, '404': unknown }
        show: { type: end, text: 'Your order: {{ product }}.', result: ok }
        unknown: { type: end, text: 'Unknown client {{ number }}.', result: unknown }
    `;
    const options = {
      env: { CRM_URL: crm.origin },
      http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
      store,
    };
    await botOf(text, options).start('k');
    const turn = await botOf(text, options).send('k', '42');
    expect(turn).toMatchObject({
      messages: [{ text: 'Your order: Kettle.' }],
      status: 'ended',
      block: 'show',
      result: 'ok',
      diagnostics: [],
    });
    expect(turn.variables).toMatchObject({ number: '42', lastMessage: '42', product: 'Kettle' });
    expect(decodeConversation((await store.get('k'))?.data ?? '')).toMatchObject({ b: 'show', r: 'ok' });
    // The same on one bot, and with a 404.
    const bot = botOf(text, { ...options, store: new MemoryStore() });
    await bot.start('k');
    expect((await bot.send('k', '9')).messages).toEqual([{ text: 'Unknown client 9.' }]);
  });
});

describe('what the store holds', () => {
  /** The record at the first ask, and its parsed form. */
  async function firstAsk(options: Omit<BotOptions, 'store'>, start: StartOptions = {}) {
    const store = new MemoryStore();
    const turn = await createBot({ ...options, store }).start('k', start);
    expect(turn.status).toBe('waiting');
    const record = await store.get('k');
    if (!record) throw new Error('nothing stored');
    return { record, stored: JSON.parse(record.data) as unknown };
  }

  it('is the compact stored form at lead-capture’s first ask, well under 300 bytes', async () => {
    const { record, stored } = await firstAsk({ script: lead });
    expect(record.version).toBe(1);
    expect(stored).toEqual({ s: lead.version, b: 'topic' });
    expect(decodeConversation(record.data)).toEqual(stored);
    expect(encodeConversation({ s: lead.version, b: 'topic' })).toBe(record.data);
    expect(JSON.stringify(record).length).toBeLessThan(300);
  });

  it('keeps only the variables that differ from the defaults (client-identification)', async () => {
    const { record, stored } = await firstAsk({ script: identification }, { channel: 'telegram' });
    expect(stored).toEqual({ s: identification.version, b: 'ask-name', v: { channel: 'telegram' } });
    expect(JSON.stringify(record).length).toBeLessThan(300);
  });

  it('is small at order-status’s first ask, after a CRM answer', async () => {
    const { record, stored } = await firstAsk(
      {
        script: orderStatus,
        env: { CRM_URL: crm.origin, CRM_TOKEN: 'token-1234' },
        http: createHttpClient({ allowHosts: ['127.0.0.1'] }),
      },
      { payload: { eId: '7' } },
    );
    expect(stored).toMatchObject({ s: orderStatus.version, b: 'ask-email', v: { clientExternalId: '7' } });
    expect(Object.keys(stored as object).every((key) => ['s', 'b', 'a', 'v', 't', 'r'].includes(key))).toBe(
      true,
    );
    expect(JSON.stringify(record).length).toBeLessThan(300);
  });

  it("keeps the ask's count of bad replies as its block state `k` while it waits (cleared once it moves on); an ended conversation keeps its last block in `a`", async () => {
    const store = new MemoryStore();
    const bot = botOf(
      yaml`
        botflow: 1
        name: compact
        blocks:
          n: { type: ask, text: 'N?', save: n, expect: integer, next: bye }
          bye: { type: message, text: 'Bye.' }
      `,
      { store },
    );
    const version = bot.script.version;
    await bot.start('k');
    await bot.send('k', 'x');
    expect(JSON.parse((await store.get('k'))?.data ?? '')).toEqual({
      s: version,
      b: 'n',
      v: { lastMessage: 'x' },
      k: 1,
    });
    await bot.send('k', '5');
    expect(JSON.parse((await store.get('k'))?.data ?? '')).toEqual({
      s: version,
      b: '$end',
      a: 'bye',
      v: { lastMessage: '5', n: 5 },
    });
    expect((await store.get('k'))?.version).toBe(3);
  });

  it('reads back a conversation holding an answer as deep as a request takes in', async () => {
    // A 2xx body may nest 100 levels; kept as response.body it sits two levels deeper in the record.
    const deep = JSON.parse(`${'['.repeat(100)}${']'.repeat(100)}`) as unknown;
    const bot = botOf(
      yaml`
        botflow: 1
        name: deep
        blocks:
          fetch: { type: request, url: 'https://crm.example/x', next: ask }
          ask: { type: ask, text: 'More?', save: more }
      `,
      {
        http: {
          send: () => Promise.resolve({ kind: 'response', status: 200, headers: {}, body: deep }),
        },
      },
    );
    expect((await bot.start('k')).status).toBe('waiting');
    const turn = await bot.send('k', 'yes');
    expect(turn.diagnostics).toEqual([]);
    expect(turn).toMatchObject({ status: 'ended', variables: { more: 'yes' } });
  });

  it('keeps no block state once the conversation has ended, even one that ended in the block', async () => {
    const store = new MemoryStore();
    const bot = botOf(
      yaml`
        botflow: 1
        name: strict
        blocks:
          n: { type: ask, text: 'N?', save: n, expect: integer, retries: 0 }
      `,
      { store },
    );
    await bot.start('k');
    expect((await bot.send('k', 'x')).status).toBe('error');
    expect(JSON.parse((await store.get('k'))?.data ?? '')).toEqual({
      s: bot.script.version,
      b: '$failed',
      a: 'n',
      v: { lastMessage: 'x' },
    });
  });
});

/** A storage backend whose next `races` writes lose a race: another writer gets in before each. */
class RacingStore implements SessionStore {
  readonly inner = new MemoryStore();
  races = 0;

  get(key: string): Promise<StoredRecord | undefined> {
    return this.inner.get(key);
  }

  async put(key: string, data: string, expected: number | undefined): Promise<number | undefined> {
    if (this.races > 0) {
      this.races -= 1;
      // Another process stores its own turn first, so `expected` is stale now.
      const current = await this.inner.get(key);
      await this.inner.put(key, current?.data ?? data, current?.version);
    }
    return this.inner.put(key, data, expected);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
}

describe('compare-and-set', () => {
  it('runs a turn again on the stored state when its write lost a race', async () => {
    const store = new RacingStore();
    const bot = createBot({ script: lead, store });
    await bot.start('k');
    const before = await store.get('k');
    store.races = 1;
    const turn = await bot.send('k', 'Buy a plan');
    expect(turn.block).toBe('ask-name');
    // The other writer's turn and then this one: applied once, not lost.
    expect((await store.get('k'))?.version).toBe((before?.version ?? 0) + 2);
    expect(store.races).toBe(0);
  });

  it('gives up with ConversationConflictError after losing three times, applying nothing', async () => {
    const store = new RacingStore();
    const bot = createBot({ script: lead, store });
    await bot.start('k');
    const before = await store.get('k');
    store.races = 3;
    const sent = bot.send('k', 'Buy a plan');
    await expect(sent).rejects.toBeInstanceOf(ConversationConflictError);
    await expect(sent).rejects.toMatchObject({
      code: 'conversation.conflict',
      message: 'conversation "k" was changed by another turn at the same time; try again',
    });
    // Only the other writers' records stand; this turn was not applied.
    const after = await store.get('k');
    expect(after?.data).toBe(before?.data);
    expect(after?.version).toBe((before?.version ?? 0) + 3);
    // A start loses the race the same way.
    store.races = 3;
    await expect(bot.start('k')).rejects.toBeInstanceOf(ConversationConflictError);
    // Once the race is over, the conversation goes on from what is stored.
    expect(store.races).toBe(0);
    expect((await bot.send('k', 'Buy a plan')).block).toBe('ask-name');
  });

  it('a conflict on one turn does not stop the turns queued behind it', async () => {
    const store = new RacingStore();
    const bot = createBot({ script: lead, store });
    await bot.start('k');
    store.races = 3;
    const first = bot.send('k', 'Buy a plan');
    const second = bot.send('k', 'Buy a plan');
    await expect(first).rejects.toBeInstanceOf(ConversationConflictError);
    expect((await second).block).toBe('ask-name');
  });
});
