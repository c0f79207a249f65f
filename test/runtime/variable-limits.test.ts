import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BotflowError,
  createBot,
  DEFAULT_MAX_VARIABLE_BYTES,
  DEFAULT_MAX_VARIABLES,
  MemoryStore,
  SqliteStore,
  VariableLimitError,
  type BotOptions,
} from '../../engine/index.js';
import { decodeConversation, encodeConversation } from '../../engine/runtime/stored.js';
import { COLLECTOR, manyVariables, scriptOf, texts } from '../support/scripts.js';
import { useTempFolders } from '../support/temp-folders.js';

const temp = useTempFolders('botflow-limits-');

function collector(options: Omit<BotOptions, 'script'> = {}) {
  const store = options.store ?? new MemoryStore();
  return { store, bot: createBot({ script: scriptOf(COLLECTOR), ...options, store }) };
}

describe('the variables of a conversation', () => {
  it('are capped at 200 variables and 256 KiB by default', () => {
    expect(DEFAULT_MAX_VARIABLES).toBe(200);
    expect(DEFAULT_MAX_VARIABLE_BYTES).toBe(262_144);
  });

  it('refuse a start whose payload has 60,000 variables, and nothing is stored', async () => {
    const { bot, store } = collector();
    const start = bot.start('k', { payload: { v: manyVariables(60_000, 'Moscow-1') } });
    await expect(start).rejects.toBeInstanceOf(VariableLimitError);
    await expect(start).rejects.toMatchObject({
      code: 'variables.too-many',
      message:
        'the start would give the conversation 60000 variables, over the limit of 200; nothing was stored',
    });
    expect(await store.get('k')).toBeUndefined();
  });

  it('refuse a start whose data is over the byte limit (a long startParam counts too)', async () => {
    const { bot, store } = collector({ maxVariableBytes: 1000 });
    await expect(bot.start('k', { payload: { v: { note: 'n'.repeat(1000) } } })).rejects.toMatchObject({
      code: 'variables.too-large',
      message: expect.stringMatching(
        /^the start would give the conversation 10\d\d bytes of variables, over the limit of 1000; nothing was stored$/,
      ) as unknown,
    });
    await expect(bot.start('k', { startParam: 's'.repeat(2000) })).rejects.toMatchObject({
      code: 'variables.too-large',
    });
    expect(await store.get('k')).toBeUndefined();
    // Exactly at the limit is fine.
    expect((await bot.start('k', { payload: { v: manyVariables(3) } })).status).toBe('waiting');
  });

  it('end the conversation when a turn would grow them past the limit, keeping what it had before', async () => {
    const { bot, store } = collector({ maxVariableBytes: 200 });
    await bot.start('k');
    await bot.send('k', 'a'.repeat(40));
    const before = decodeConversation((await store.get('k'))?.data ?? '');
    const over = await bot.send('k', 'b'.repeat(60));
    expect(over).toMatchObject({ status: 'error', messages: [], variables: { log: `${'a'.repeat(40)},` } });
    expect(over.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'variables.too-large',
        message: expect.stringMatching(
          /^block "next-item": the turn would leave the conversation with 2\d\d bytes of variables, over the limit of 200; it ended, and nothing the turn did was kept$/,
        ) as unknown,
      },
    ]);
    const stored = decodeConversation((await store.get('k'))?.data ?? '');
    expect(stored).toMatchObject({ b: '$failed', a: 'next-item', v: before?.v });
    // The next message starts afresh rather than growing it again.
    const next = await bot.send('k', 'c');
    expect(next).toMatchObject({ status: 'waiting', variables: { log: '' } });
    expect(texts(next)).toEqual(['Next?']);
  });

  it('count the variables a turn adds, against maxVariables', async () => {
    const { bot } = collector({ maxVariables: 2 });
    await bot.start('k');
    // The first reply sets item, lastMessage and log: three variables besides the defaults.
    const over = await bot.send('k', 'one');
    expect(over.status).toBe('error');
    expect(over.diagnostics.map(({ code }) => code)).toEqual(['variables.too-many']);
  });

  it('go on from a conversation stored under larger limits (another process’s), in a real SQLite store', async () => {
    const store = new SqliteStore(join(temp.root, 'larger.db'));
    try {
      // A process allowing 1,000 variables stores 500: the start's 497 and a reply's item, lastMessage and log.
      const larger = collector({ store, maxVariables: 1000 });
      await larger.bot.start('k', { payload: { v: manyVariables(497) } });
      await larger.bot.send('k', 'first', { messageId: 'm1' });
      const { bot } = collector({ store });
      const note = {
        severity: 'warning',
        code: 'conversation.over-limit',
        message:
          'the stored conversation holds 500 variables, over the limit of 200; it goes on, but no turn may take it further over',
      };
      // Shown where it stands, not as no conversation.
      expect(await bot.conversation('k')).toMatchObject({
        status: 'waiting',
        block: 'next-item',
        variables: { log: 'first,', v0: 'x' },
        diagnostics: [note],
      });
      // Its message marks still tell a redelivery.
      const again = await bot.send('k', 'first', { messageId: 'm1' });
      expect(again.diagnostics.map(({ code }) => code)).toEqual(['message.duplicate']);
      // A turn that adds no variable goes on.
      const next = await bot.send('k', 'second', { messageId: 'm2' });
      expect(next).toMatchObject({ status: 'waiting', variables: { log: 'first,second,', v496: 'x' } });
      expect(next.diagnostics).toEqual([note]);
      expect(Object.keys(decodeConversation((await store.get('k'))?.data ?? '')?.v ?? {})).toHaveLength(500);
    } finally {
      await store.close();
    }
  });

  it('end a conversation read over a limit when a turn takes it further over, keeping what it held', async () => {
    const { bot, store } = collector({ maxVariableBytes: 1000 });
    const held = { log: 'z'.repeat(1500), item: 'y', lastMessage: 'y' };
    await store.put(
      'bytes',
      encodeConversation({ s: bot.script.version, b: 'next-item', v: held }),
      undefined,
    );
    const grown = await bot.send('bytes', 'a');
    expect(grown).toMatchObject({ status: 'error', variables: held });
    expect(grown.diagnostics.map(({ severity, code }) => [severity, code])).toEqual([
      ['warning', 'conversation.over-limit'],
      ['error', 'variables.too-large'],
    ]);
    expect(grown.diagnostics[1]?.message).toMatch(
      /^block "next-item": the turn would leave the conversation with 15\d\d bytes of variables, more than the 15\d\d it held when read \(this bot allows 1000\); it ended, and nothing the turn did was kept$/,
    );
    expect(decodeConversation((await store.get('bytes'))?.data ?? '')).toMatchObject({
      b: '$failed',
      v: held,
    });

    // Three variables where two are allowed: a reply adds item and lastMessage, two more.
    const counted = collector({ store, maxVariables: 2 }).bot;
    const three = { log: 'x', a: '1', b: '2' };
    await store.put(
      'count',
      encodeConversation({ s: bot.script.version, b: 'next-item', v: three }),
      undefined,
    );
    const more = await counted.send('count', 'a');
    expect(more.diagnostics.map(({ message }) => message)).toContainEqual(
      'block "next-item": the turn would leave the conversation with 5 variables, more than the 3 it held when read (this bot allows 2); it ended, and nothing the turn did was kept',
    );
  });

  it('start afresh from a conversation more than 4 times over, keeping its message marks and showing it', async () => {
    const store = new SqliteStore(join(temp.root, 'far.db'));
    try {
      const larger = collector({ store, maxVariables: 5000 });
      await larger.bot.start('k', { payload: { v: manyVariables(900) }, messageId: 'm1', channel: 'web' });
      const { bot } = collector({ store });
      const farOver = {
        severity: 'error',
        code: 'conversation.over-limit',
        message:
          'the stored conversation holds more than 4 times the variables this bot allows; it starts afresh',
      };
      expect(await bot.conversation('k')).toMatchObject({
        status: 'waiting',
        block: 'next-item',
        variables: { v899: 'x' },
        diagnostics: [farOver],
      });
      // A redelivery of the start is still known, and not applied again.
      const redelivered = await bot.start('k', { payload: { v: manyVariables(900) }, messageId: 'm1' });
      expect(redelivered.diagnostics.map(({ code }) => code)).toEqual(['message.duplicate']);
      const fresh = await bot.send('k', 'hello', { messageId: 'm2' });
      // Afresh on the same messenger: the channel carries over, as for any new conversation.
      expect(fresh).toMatchObject({ status: 'waiting', variables: { log: '', channel: 'web' } });
      expect(fresh.diagnostics).toEqual([farOver]);
      expect(Object.keys(decodeConversation((await store.get('k'))?.data ?? '')?.v ?? {})).toEqual([
        'channel',
      ]);
      for (const messageId of ['m1', 'm2']) {
        const turn = await bot.send('k', 'again', { messageId });
        expect(
          turn.diagnostics.map(({ code }) => code),
          messageId,
        ).toEqual(['message.duplicate']);
      }
    } finally {
      await store.close();
    }
  });

  it('leave a record too large for any conversation under these limits unparsed, and show it as an error', async () => {
    const { bot, store } = collector();
    // Past 4 times the default 256 KiB: no bot near these limits stored it.
    const huge = encodeConversation({
      s: bot.script.version,
      b: 'next-item',
      v: { log: 'z'.repeat(1_100_000) },
    });
    await store.put('huge', huge, undefined);
    const farOver = expect.objectContaining({
      severity: 'error',
      code: 'conversation.over-limit',
    }) as unknown;
    expect(await bot.conversation('huge')).toMatchObject({ status: 'error', diagnostics: [farOver] });
    const turn = await bot.send('huge', 'hello');
    expect(turn).toMatchObject({ status: 'waiting', variables: { log: '' }, diagnostics: [farOver] });
    expect(Object.keys(decodeConversation((await store.get('huge'))?.data ?? '')?.v ?? {})).toEqual([]);
  });

  it('refuse a limit option that is not a positive whole number, in one sentence', () => {
    for (const maxVariables of [0, -1, 1.5, Number.NaN]) {
      expect(() => createBot({ script: scriptOf(COLLECTOR), maxVariables })).toThrow(
        new BotflowError('bot.bad-option', "the bot's maxVariables must be a whole number of 1 or more"),
      );
    }
    expect(() => createBot({ script: scriptOf(COLLECTOR), maxVariableBytes: 0 })).toThrow(
      "the bot's maxVariableBytes must be a whole number of 1 or more",
    );
  });
});
