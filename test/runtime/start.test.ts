import { describe, expect, it } from 'vitest';
import {
  AmbiguousStartError,
  createBot,
  encodePayload,
  loadScript,
  MemoryStore,
  PayloadError,
  type BotOptions,
} from '../../engine/index.js';
import { decodeConversation, encodeConversation } from '../../engine/runtime/stored.js';
import { botOf, scriptOf, SYSTEM, texts, yaml } from '../support/scripts.js';

const SEED_START = 'eyJ2Ijp7ImNsX2RhdGEiOiJKb2huIFNtaXRoIDIzIn19';
const identification = await loadScript('scripts/client-identification.yaml');
const DEFAULTS = { cl_data: '', city: '', firstName: '', lastName: '', age: 0 };

describe('the seed’s flow: scripts/client-identification.yaml', () => {
  it('seeds cl_data from the start value, splits it and greets John', async () => {
    expect(encodePayload({ variables: { cl_data: 'John Smith 23' } })).toBe(SEED_START);
    const bot = createBot({ script: identification });
    const turn = await bot.start('telegram:42', { startParam: SEED_START, channel: 'telegram' });
    expect(turn).toEqual({
      messages: [
        { text: 'Hello, John Smith! Glad to see you again.' },
        {
          text: 'As a client of 23, you can open a credit line today.',
          buttons: ['Tell me more', 'Not now'],
        },
        { text: 'Have a nice day!' },
      ],
      status: 'ended',
      block: 'done',
      variables: {
        ...SYSTEM,
        ...DEFAULTS,
        channel: 'telegram',
        startParam: SEED_START,
        cl_data: 'John Smith 23',
        firstName: 'John',
        lastName: 'Smith',
        age: 23,
      },
      result: 'identified',
      diagnostics: [],
    });
  });

  it('puts a plain id (?start=1234567) in clientExternalId', async () => {
    const turn = await createBot({ script: identification }).start('k', {
      startParam: '1234567',
      channel: 'telegram',
    });
    expect(texts(turn)).toEqual(['Welcome back! Your client number is 1234567.', 'Have a nice day!']);
    expect(turn.variables).toEqual({
      ...SYSTEM,
      ...DEFAULTS,
      clientExternalId: '1234567',
      channel: 'telegram',
      startParam: '1234567',
    });
    expect(turn.diagnostics).toEqual([]);
  });

  it('takes a broken payload as a plain id and reports it on the turn', async () => {
    const broken = Buffer.from('{"y":1}').toString('base64url');
    const turn = await createBot({ script: identification }).start('k', { startParam: broken });
    expect(turn.variables.clientExternalId).toBe(broken);
    expect(turn.variables.cl_data).toBe('');
    expect(texts(turn)).toEqual([`Welcome back! Your client number is ${broken}.`, 'Have a nice day!']);
    expect(turn.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'payload.unknown-key',
        message:
          'the start value looks like an encoded payload but the payload has the unknown key "y" (known: p, e, eId, v, x); it was used as a plain client id',
      },
    ]);
  });

  it('takes a payload with bad JSON as a plain id, never half-applied', async () => {
    const broken = Buffer.from('{"v":{"cl_data":"John Smith 23"}').toString('base64url');
    const turn = await createBot({ script: identification }).start('k', { startParam: broken });
    expect(turn.variables).toMatchObject({ clientExternalId: broken, cl_data: '', firstName: '' });
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([['error', 'payload.bad-json']]);
  });

  it('asks for the name when the link carried no data', async () => {
    const bot = createBot({ script: identification });
    const first = await bot.start('k');
    expect(first).toEqual({
      messages: [{ text: 'Hello! What is your name?' }],
      status: 'waiting',
      block: 'ask-name',
      input: { kind: 'text', retriesLeft: 2 },
      variables: { ...SYSTEM, ...DEFAULTS },
      result: null,
      diagnostics: [],
    });
    const second = await bot.send('k', 'Ann');
    expect(texts(second)).toEqual(['Nice to meet you, Ann!', 'Have a nice day!']);
    expect(second.result).toBe('identified');
  });

  it('falls back to asking the name when cl_data has too many parts (rest: error → on.error)', async () => {
    const turn = await createBot({ script: identification }).start('k', {
      payload: { v: { cl_data: 'John Ronald Smith 23' } },
    });
    expect(turn.block).toBe('ask-name');
    expect(turn.messages).toEqual([{ text: 'Hello! What is your name?' }]);
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['bpl.too-many-parts']);
  });

  it('seeds from the `payload` option: eId, p, e and v', async () => {
    const turn = await createBot({ script: identification }).start('k', {
      payload: {
        eId: '42',
        p: '79000000000',
        e: 'email@gmail.com',
        v: { cl_data: 'Ann Lee 16', city: 'Kazan' },
      },
      channel: 'whatsapp',
    });
    expect(turn.variables).toEqual({
      ...SYSTEM,
      ...DEFAULTS,
      clientExternalId: '42',
      phone: '79000000000',
      email: 'email@gmail.com',
      channel: 'whatsapp',
      startParam: '',
      cl_data: 'Ann Lee 16',
      city: 'Kazan',
      firstName: 'Ann',
      lastName: 'Lee',
      age: 16,
    });
    expect(texts(turn)).toEqual([
      'Hello, Ann Lee! Glad to see you again.',
      'Our youth plan is made for you.',
      'Greetings to Kazan!',
    ]);
  });

  it('refuses an invalid `payload` option with a PayloadError and stores nothing', async () => {
    const store = new MemoryStore();
    const bot = createBot({ script: identification, store });
    await expect(bot.start('k', { payload: { y: 1 } })).rejects.toBeInstanceOf(PayloadError);
    await expect(bot.start('k', { payload: 'not an object' })).rejects.toBeInstanceOf(PayloadError);
    expect(store.size).toBe(0);
    // The queue goes on after a failed start.
    expect((await bot.start('k')).status).toBe('waiting');
  });

  it('refuses a start given both startParam and payload, rather than dropping one, and stores nothing', async () => {
    const store = new MemoryStore();
    const bot = createBot({ script: identification, store });
    const both = bot.start('k', { payload: { p: '79001234567' }, startParam: 'abc' });
    await expect(both).rejects.toBeInstanceOf(AmbiguousStartError);
    await expect(both).rejects.toMatchObject({
      code: 'start.ambiguous',
      message: 'a start takes either startParam or payload, not both',
    });
    await expect(bot.start('k', { payload: {}, startParam: '' })).rejects.toBeInstanceOf(AmbiguousStartError);
    expect(store.size).toBe(0);
  });

  it('reports a payload `v` entry that would overwrite a system variable, and applies the rest', async () => {
    const turn = await createBot({ script: identification }).start('k', {
      payload: { v: { channel: 'evil', city: 'Moscow' } },
      channel: 'vk',
    });
    expect(turn.variables.channel).toBe('vk');
    expect(turn.variables.city).toBe('Moscow');
    expect(turn.diagnostics).toHaveLength(1);
    expect(turn.diagnostics[0]?.message).toMatch(/channel/);
  });

  it('sets channel and startParam, which a script can read', async () => {
    const bot = createBot({
      script: scriptOf(yaml`
        botflow: 1
        name: where
        blocks:
          say: { type: end, text: '{{ channel }}:{{ startParam }}:{{ clientExternalId }}' }
      `),
    });
    expect(texts(await bot.start('a', { startParam: 'abc-123', channel: 'viber' }))).toEqual([
      'viber:abc-123:abc-123',
    ]);
    expect(texts(await bot.start('b'))).toEqual(['::']);
  });
});

describe('a second start on a live conversation', () => {
  const asking = scriptOf(yaml`
    botflow: 1
    name: two-questions
    variables: { name: '', city: '' }
    blocks:
      ask-name: { type: ask, text: 'Name?', save: name, next: ask-city }
      ask-city:
        type: ask
        text: 'City, {{ name }}?'
        save: city
        choices: [{ label: Moscow }, { label: Kazan }]
        next: done
      done: { type: end, text: '{{ name }} from {{ city }}', result: ok }
  `);

  async function live(onStart?: BotOptions['onStart']) {
    const store = new MemoryStore();
    const bot = createBot({ script: asking, store, ...(onStart && { onStart }) });
    await bot.start('k', { startParam: '111', channel: 'telegram' });
    await bot.send('k', 'Ann');
    await bot.send('k', 'Paris'); // one bad reply at ask-city
    return { bot, store, before: await store.get('k') };
  }

  it('restarts it with the new payload by default', async () => {
    const { bot, store, before } = await live();
    const turn = await bot.start('k', { startParam: '222', channel: 'telegram' });
    expect(turn).toEqual({
      messages: [{ text: 'Name?' }],
      status: 'waiting',
      block: 'ask-name',
      input: { kind: 'text', retriesLeft: 2 },
      variables: {
        ...SYSTEM,
        name: '',
        city: '',
        clientExternalId: '222',
        channel: 'telegram',
        startParam: '222',
      },
      result: null,
      diagnostics: [],
    });
    const after = await store.get('k');
    expect(after?.version).toBe((before?.version ?? 0) + 1);
    expect(decodeConversation(after?.data ?? '')).toEqual({
      s: asking.version,
      b: 'ask-name',
      v: { clientExternalId: '222', channel: 'telegram', startParam: '222' },
    });
  });

  it('with onStart: resume says the waiting question again and changes nothing', async () => {
    const { bot, store, before } = await live('resume');
    const turn = await bot.start('k', { startParam: '222', channel: 'telegram' });
    expect(turn).toEqual({
      messages: [{ text: 'City, Ann?', buttons: ['Moscow', 'Kazan'] }],
      status: 'waiting',
      block: 'ask-city',
      input: {
        kind: 'choice',
        choices: [
          { label: 'Moscow', value: 'Moscow' },
          { label: 'Kazan', value: 'Kazan' },
        ],
        retriesLeft: 1,
      },
      variables: {
        ...SYSTEM,
        name: 'Ann',
        city: '',
        clientExternalId: '111',
        channel: 'telegram',
        startParam: '111',
        lastMessage: 'Paris',
      },
      result: null,
      diagnostics: [
        {
          severity: 'warning',
          code: 'start.resumed',
          message:
            'the conversation was going on, so the new start was not applied; its question is asked again',
        },
      ],
    });
    expect(await store.get('k')).toEqual(before);
    // It goes on where it was, the bad reply still counted (retries 2: two more bad replies fail it).
    expect((await bot.send('k', 'Rome')).status).toBe('waiting');
    expect((await bot.send('k', 'Oslo')).status).toBe('error');
  });

  it('with onStart: resume tells what saying the question again noted', async () => {
    const bot = botOf(
      yaml`
        botflow: 1
        name: shaky
        variables: { name: 'Ann' }
        blocks:
          ask: { type: ask, text: 'Older than {{ response > 3 }}?', save: answer }
      `,
      { onStart: 'resume' },
    );
    await bot.start('k');
    const turn = await bot.start('k');
    expect(turn.messages).toEqual([{ text: 'Older than ?' }]);
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['start.resumed', 'template.failed']);
  });

  it.each(['resume', 'ignore'] as const)(
    'with onStart: %s keeps the start’s message id, so its redelivery says nothing',
    async (onStart) => {
      const { bot, store, before } = await live(onStart);
      const first = await bot.start('k', { startParam: '222', messageId: 'update-7' });
      expect(first.diagnostics.map((d) => d.code)).toEqual([`start.${onStart}d`]);
      const after = await store.get('k');
      expect(after?.version).toBe((before?.version ?? 0) + 1);
      // Only the mark is new: the conversation itself is as it was.
      const { m, ...rest } = decodeConversation(after?.data ?? '') ?? { m: [] };
      expect(rest).toEqual(decodeConversation(before?.data ?? ''));
      expect(m).toHaveLength(1);
      const again = await bot.start('k', { startParam: '222', messageId: 'update-7' });
      expect(again).toMatchObject({ messages: [], status: 'waiting', block: 'ask-city' });
      expect(again.diagnostics.map((d) => d.code)).toEqual(['message.duplicate']);
      expect((await store.get('k'))?.version).toBe(after?.version);
    },
  );

  it('with onStart: ignore says nothing, warns, and changes nothing', async () => {
    const { bot, store, before } = await live('ignore');
    const turn = await bot.start('k', { startParam: '222' });
    expect(turn.messages).toEqual([]);
    expect(turn.status).toBe('waiting');
    expect(turn.block).toBe('ask-city');
    expect(turn.variables.clientExternalId).toBe('111');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'start.ignored',
        message: 'the conversation was going on, so the new start was not applied',
      },
    ]);
    expect(await store.get('k')).toEqual(before);
    const done = await bot.send('k', 'kazan');
    expect(texts(done)).toEqual(['Ann from Kazan']);
  });

  it.each(['resume', 'ignore'] as const)(
    'with onStart: %s still starts an ended conversation afresh',
    async (onStart) => {
      const bot = createBot({ script: asking, onStart });
      await bot.start('k');
      await bot.send('k', 'Ann');
      expect((await bot.send('k', 'Moscow')).status).toBe('ended');
      const turn = await bot.start('k', { startParam: '333' });
      expect(turn.messages).toEqual([{ text: 'Name?' }]);
      expect(turn.variables.clientExternalId).toBe('333');
      expect(turn.diagnostics).toEqual([]);
    },
  );
});

describe('send without a live conversation', () => {
  const asking = scriptOf(yaml`
    botflow: 1
    name: one-question
    variables: { name: '' }
    blocks:
      ask-name: { type: ask, text: 'Name?', save: name, next: done }
      done: { type: end, text: 'Bye, {{ name }}.', result: ok }
  `);
  const FRESH = {
    messages: [{ text: 'Name?' }],
    status: 'waiting',
    block: 'ask-name',
    input: { kind: 'text', retriesLeft: 2 },
    variables: { ...SYSTEM, name: '' },
    result: null,
    diagnostics: [],
  };
  /** The note of a message that started the conversation: none under the key, or one that ended. */
  const started = (before: string) => ({
    severity: 'info',
    code: 'conversation.started',
    message: `${before}; this message started ${before.includes('ended') ? 'a new one' : 'one'} and was not read as a reply`,
  });

  it('to a new key starts the conversation, without taking the text as a reply', async () => {
    const bot = createBot({ script: asking });
    expect(await bot.conversation('new')).toBeUndefined();
    expect(await bot.send('new', 'hello')).toEqual({
      ...FRESH,
      diagnostics: [started('there was no conversation under this key')],
    });
    expect(await bot.conversation('new')).toEqual({ ...FRESH, messages: [] });
  });

  it('to an ended conversation starts it afresh', async () => {
    const bot = createBot({ script: asking });
    await bot.start('k', { startParam: '5' });
    const ended = await bot.send('k', 'Ann');
    expect(ended.status).toBe('ended');
    expect(await bot.send('k', 'again')).toEqual({
      ...FRESH,
      diagnostics: [started('the conversation under this key had ended')],
    });
    expect(texts(await bot.send('k', 'Bob'))).toEqual(['Bye, Bob.']);
  });

  it('to a conversation that failed starts it afresh', async () => {
    const bot = createBot({
      script: scriptOf(yaml`
        botflow: 1
        name: strict
        blocks:
          n: { type: ask, text: 'N?', save: n, expect: integer, retries: 0, next: done }
          done: { type: end, text: 'ok' }
      `),
    });
    await bot.start('k');
    expect((await bot.send('k', 'x')).status).toBe('error');
    expect((await bot.send('k', 'y')).messages).toEqual([{ text: 'N?' }]);
  });

  it.each([
    ['not JSON', 'garbage{'],
    ['not an object', '42'],
    ['no block', JSON.stringify({ s: 'x' })],
    ['a wrong type', JSON.stringify({ s: 'x', b: 'ask-name', m: 'many' })],
    ['variables named after a prototype', '{"s":"x","b":"ask-name","v":{"__proto__":{"name":"Eve"}}}'],
    [
      'a block state nested past the stored depth',
      `{"s":"x","b":"ask-name","k":${'['.repeat(1002)}${']'.repeat(1002)}}`,
    ],
    // Deep enough to overflow any recursive walk: refused by its depth, not by a stack overflow.
    [
      'variables nested 100,000 deep',
      `{"s":"x","b":"ask-name","v":{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    ],
  ])('to a corrupted record (%s) starts afresh with a warning', async (_, data) => {
    const store = new MemoryStore();
    await store.put('k', data, undefined);
    const bot = createBot({ script: asking, store });
    // The record is there: it is shown as one that cannot go on, not as no conversation.
    expect(await bot.conversation('k')).toEqual({
      messages: [],
      status: 'error',
      block: '',
      variables: FRESH.variables,
      result: null,
      diagnostics: [expect.objectContaining({ code: 'conversation.unreadable' }) as unknown],
    });
    const turn = await bot.send('k', 'Ann');
    expect(turn).toEqual({
      ...FRESH,
      diagnostics: [
        {
          severity: 'warning',
          code: 'conversation.unreadable',
          message: 'the stored conversation could not be read; it starts afresh',
        },
      ],
    });
    const record = await store.get('k');
    expect(record?.version).toBe(2);
    expect(decodeConversation(record?.data ?? '')).toEqual({ s: asking.version, b: 'ask-name' });
  });

  it.each(['restart', 'resume', 'ignore'] as const)(
    'a start over a corrupted record (onStart: %s) starts afresh with a warning',
    async (onStart) => {
      const store = new MemoryStore();
      await store.put('k', 'garbage{', undefined);
      const turn = await createBot({ script: asking, store, onStart }).start('k', { startParam: '9' });
      expect(turn).toEqual({
        ...FRESH,
        variables: { ...FRESH.variables, clientExternalId: '9', startParam: '9' },
        diagnostics: [
          {
            severity: 'warning',
            code: 'conversation.unreadable',
            message: 'the stored conversation could not be read; it starts afresh',
          },
        ],
      });
      expect((await store.get('k'))?.version).toBe(2);
    },
  );

  it('to a conversation stored by another version of the script goes on, with a warning', async () => {
    const store = new MemoryStore();
    await store.put(
      'k',
      encodeConversation({ s: 'old-version', b: 'ask-name', v: { channel: 'vk' } }),
      undefined,
    );
    const turn = await createBot({ script: asking, store }).send('k', 'Ann');
    expect(texts(turn)).toEqual(['Bye, Ann.']);
    expect(turn.variables.channel).toBe('vk');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'script.changed',
        message: 'the script changed since this conversation was stored; it goes on at "ask-name"',
      },
    ]);
  });
});

describe('a conversation that send restarts', () => {
  it('keeps its channel but not its start data', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: short
      blocks:
        bye: { type: end, text: 'Bye from {{ channel }}!', result: ok }
    `);
    await bot.start('k', { startParam: '1234567', channel: 'telegram' });
    const turn = await bot.send('k', 'hello again');
    expect(turn.messages).toEqual([{ text: 'Bye from telegram!' }]);
    expect(turn.variables).toMatchObject({ channel: 'telegram', startParam: '', clientExternalId: '' });
  });
});

describe('resume: a conversation taken up by a reloaded script', () => {
  const version = (name: string, cityBlock: string) =>
    scriptOf(
      yaml`
        botflow: 1
        name: two-questions
        variables: { name: '', city: '' }
        blocks:
          ask-name: { type: ask, text: 'Name?', save: name, next: ${cityBlock} }
          ${cityBlock}: { type: ask, text: '${name}', save: city, next: done }
          done: { type: end, text: '{{ name }} from {{ city }}', result: ok }
      `,
      'reloaded.yaml',
    );
  const before = version('City?', 'ask-city');

  it('says the waiting question again as the new script words it, and goes on under it', async () => {
    const store = new MemoryStore();
    await createBot({ script: before, store }).start('k');
    await createBot({ script: before, store }).send('k', 'Ann');
    const reloaded = createBot({ script: version('Which city, {{ name }}?', 'ask-city'), store });
    const turn = await reloaded.resume('k');
    expect(turn).toEqual({
      messages: [{ text: 'Which city, Ann?' }],
      status: 'waiting',
      block: 'ask-city',
      input: { kind: 'text', retriesLeft: 2 },
      variables: { ...SYSTEM, name: 'Ann', city: '', lastMessage: 'Ann' },
      result: null,
      diagnostics: [
        {
          severity: 'warning',
          code: 'script.changed',
          message: 'the script changed since this conversation was stored; it goes on at "ask-city"',
        },
      ],
    });
    // Stored under the new version: the next reply goes on without the warning.
    const reply = await reloaded.send('k', 'Paris');
    expect(reply).toMatchObject({ messages: [{ text: 'Ann from Paris' }], status: 'ended', diagnostics: [] });
  });

  it('is undefined when the block no longer waits, the conversation ended, or there is none', async () => {
    const store = new MemoryStore();
    await createBot({ script: before, store }).start('k');
    await createBot({ script: before, store }).send('k', 'Ann');
    expect(await createBot({ script: version('City?', 'ask-town'), store }).resume('k')).toBeUndefined();
    const ended = createBot({ script: before, store });
    await ended.send('k', 'Paris');
    expect(await ended.resume('k')).toBeUndefined();
    expect(await ended.resume('nobody')).toBeUndefined();
    await expect(ended.resume('')).rejects.toThrow(/key/);
  });
});
