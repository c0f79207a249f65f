import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
import { COLLECTOR, script, texts } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'botflow-limits-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `count` variables named v0, v1, … each holding `value`. */
function manyVariables(count: number, value = 'x'): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, value]));
}

function collector(options: Omit<BotOptions, 'script'> = {}) {
  const store = options.store ?? new MemoryStore();
  return { store, bot: createBot({ script: script(COLLECTOR), ...options, store }) };
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
        'The start would give the conversation 60000 variables, over the limit of 200; nothing was stored.',
    });
    expect(await store.get('k')).toBeUndefined();
  });

  it('refuse a start whose data is over the byte limit (a long startParam counts too)', async () => {
    const { bot, store } = collector({ maxVariableBytes: 1000 });
    await expect(bot.start('k', { payload: { v: { note: 'n'.repeat(1000) } } })).rejects.toMatchObject({
      code: 'variables.too-large',
      message: expect.stringMatching(
        /^The start would give the conversation 10\d\d bytes of variables, over the limit of 1000; nothing was stored\.$/,
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

  it('leave a stored conversation over the limits unread, in a real SQLite store: it starts afresh', async () => {
    const store = new SqliteStore(join(dir, 'over.db'));
    try {
      const { bot } = collector({ store });
      const record = encodeConversation({ s: bot.script.version, b: 'next-item', v: manyVariables(500) });
      await store.put('many', record, undefined);
      // Far past the byte limit: refused without being parsed at all.
      const huge = encodeConversation({
        s: bot.script.version,
        b: 'next-item',
        v: { log: 'z'.repeat(300_000) },
      });
      await store.put('huge', huge, undefined);
      for (const key of ['many', 'huge']) {
        expect(await bot.conversation(key)).toBeUndefined();
        const turn = await bot.send(key, 'hello');
        expect(turn).toMatchObject({ status: 'waiting', variables: { log: '' } });
        expect(turn.diagnostics.map(({ code }) => code)).toEqual(['conversation.over-limit']);
        expect(Object.keys(decodeConversation((await store.get(key))?.data ?? '')?.v ?? {})).toEqual([]);
      }
    } finally {
      await store.close();
    }
  });

  it('refuse a limit option that is not a positive whole number, in one sentence', () => {
    for (const maxVariables of [0, -1, 1.5, Number.NaN]) {
      expect(() => createBot({ script: script(COLLECTOR), maxVariables })).toThrow(
        new BotflowError('bot.bad-option', "The bot's maxVariables must be a whole number of 1 or more."),
      );
    }
    expect(() => createBot({ script: script(COLLECTOR), maxVariableBytes: 0 })).toThrow(
      "The bot's maxVariableBytes must be a whole number of 1 or more.",
    );
  });
});
