import { describe, expect, it } from 'vitest';
import { createBot, MemoryStore, TRANSCRIPT_BYTES } from '../../engine/index.js';
import { botOf, scriptOf, yaml } from '../support/scripts.js';

const ECHO = yaml`
  botflow: 1
  name: echo
  blocks:
    ask: { type: ask, text: 'Say?', save: said, next: echo }
    echo: { type: message, text: 'You said {{ said }}', next: ask }
`;

describe('transcripts', () => {
  it('are kept inside the stored record, so another bot on the same store reads the same one', async () => {
    const store = new MemoryStore();
    const script = scriptOf(ECHO);
    const clock = () => new Date('2026-12-07T00:00:00.000Z');
    const first = createBot({ script, store, transcripts: 3, clock });
    await first.start('k');
    await first.send('k', 'hi');
    const second = createBot({ script, store, transcripts: 3 });
    const at = '2026-12-07T00:00:00.000Z';
    expect(await second.transcript('k')).toEqual([
      { from: 'user', text: 'hi', at },
      { from: 'bot', text: 'You said hi', at },
      { from: 'bot', text: 'Say?', at },
    ]);
    expect(JSON.parse((await store.get('k'))?.data ?? '{}')).toMatchObject({
      t: [
        ['u', 'hi', Date.parse(at)],
        ['b', 'You said hi', Date.parse(at)],
        ['b', 'Say?', Date.parse(at)],
      ],
    });
    // A restart keeps the key's history; erasing the conversation erases it.
    await first.start('k');
    expect((await first.transcript('k'))?.map(({ text }) => text)).toEqual(['You said hi', 'Say?', 'Say?']);
    expect(await first.erase('k')).toBe(true);
    expect(await first.transcript('k')).toBeUndefined();
    expect(await first.erase('k')).toBe(false);
  });

  it('stay within TRANSCRIPT_BYTES of text whatever N is, the oldest going first', async () => {
    const store = new MemoryStore();
    const bot = botOf(ECHO, { store, transcripts: 1000 });
    await bot.start('k');
    for (let i = 0; i < 40; i++) await bot.send('k', `${i} ${'x'.repeat(4000)}`);
    const kept = (await bot.transcript('k')) ?? [];
    const bytes = kept.reduce((sum, { text }) => sum + Buffer.byteLength(text), 0);
    expect(bytes).toBeLessThanOrEqual(TRANSCRIPT_BYTES);
    expect(bytes).toBeGreaterThan(TRANSCRIPT_BYTES - 9000);
    expect(kept.at(-1)?.text).toBe('Say?');
    expect(kept.at(-3)?.text.startsWith('39 ')).toBe(true);
    expect(kept[0]?.text.startsWith('You said 0 ')).toBe(false);
  });

  it('count text as it is stored: escaped control characters never push the record past what is read back', async () => {
    const store = new MemoryStore();
    const bot = botOf(ECHO, { store, transcripts: 1000 });
    await bot.start('k');
    // Each \u0001 is 1 byte of text and 6 of JSON; the echo says it again.
    for (let i = 0; i < 60; i++) {
      const turn = await bot.send('k', `${i}${'\u0001'.repeat(4000)}`);
      expect(turn.diagnostics.map(({ code }) => code)).not.toContain('conversation.over-limit');
    }
    const record = await store.get('k');
    expect(Buffer.byteLength(record?.data ?? '')).toBeLessThan(TRANSCRIPT_BYTES + 64 * 1024);
    expect((await bot.transcript('k'))?.at(-3)?.text.startsWith('59')).toBe(true);
  });

  it('are not written when off: the record stays as small as before', async () => {
    const store = new MemoryStore();
    const bot = botOf(ECHO, { store });
    await bot.start('k');
    await bot.send('k', 'hi');
    expect(JSON.parse((await store.get('k'))?.data ?? '{}')).not.toHaveProperty('t');
    expect(await bot.transcript('k')).toEqual([]);
    expect(await bot.transcript('none')).toBeUndefined();
  });

  it('refuses a count outside 0 to 1000 in one sentence', () => {
    for (const transcripts of [-1, 1001, 2.5]) {
      expect(() => botOf(ECHO, { transcripts })).toThrow(
        /^the bot's transcripts must be a whole number from 0 to 1000$/,
      );
    }
  });
});

describe('a message to a key with no conversation', () => {
  it('starts one, says so, and is not read as a reply: when there was none, and after one ended', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: pick
      blocks:
        pick:
          type: ask
          text: Which?
          save: picked
          choices: [{ label: A }, { label: B }]
          next: done
        done: { type: end, text: 'Took {{ picked }}' }
    `);
    const first = await bot.send('k', 'A');
    expect(first).toMatchObject({ block: 'pick', status: 'waiting', messages: [{ text: 'Which?' }] });
    expect(first.diagnostics).toEqual([
      {
        severity: 'info',
        code: 'conversation.started',
        message:
          'there was no conversation under this key; this message started one and was not read as a reply',
      },
    ]);
    expect((await bot.send('k', 'A')).diagnostics).toEqual([]);
    const again = await bot.send('k', 'B');
    expect(again.block).toBe('pick');
    expect(again.diagnostics.map(({ message }) => message)).toEqual([
      'the conversation under this key had ended; this message started a new one and was not read as a reply',
    ]);
  });
});
