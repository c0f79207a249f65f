import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { decodeConversation } from '../../engine/runtime/stored.js';
import { botOf, COLLECTOR, SYSTEM, texts, yaml } from '../support/scripts.js';

const expected = (items: readonly string[]) => items.map((item) => `${item},`).join('');

describe('turns of one conversation', () => {
  it('are applied one at a time, in the order they were sent', async () => {
    const bot = botOf(COLLECTOR);
    await bot.start('k');
    const items = Array.from({ length: 50 }, (_, i) => String(i));
    const turns = await Promise.all(items.map((item) => bot.send('k', item)));
    turns.forEach((turn, i) => {
      expect(turn.variables.log).toBe(expected(items.slice(0, i + 1)));
      expect(turn.variables.item).toBe(items[i]);
      expect(turn.messages).toEqual([{ text: 'Next?' }]);
      expect(turn.status).toBe('waiting');
    });
    expect((await bot.conversation('k'))?.variables.log).toBe(expected(items));
  });

  it('queue a start behind the sends before it', async () => {
    const bot = botOf(COLLECTOR);
    await bot.start('k');
    const [a, restarted, b] = await Promise.all([bot.send('k', 'a'), bot.start('k'), bot.send('k', 'b')]);
    expect(a.variables.log).toBe('a,');
    expect(restarted.variables.log).toBe('');
    expect(b.variables.log).toBe('b,');
  });

  it('of two conversations, interleaved, stay independent', async () => {
    const store = new MemoryStore();
    const bot = botOf(COLLECTOR, { store });
    await Promise.all([bot.start('a'), bot.start('b')]);
    const sends = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0 ? bot.send('a', `a${i}`) : bot.send('b', `b${i}`),
    );
    await Promise.all(sends);
    const evens = Array.from({ length: 10 }, (_, i) => `a${2 * i}`);
    const odds = Array.from({ length: 10 }, (_, i) => `b${2 * i + 1}`);
    expect((await bot.conversation('a'))?.variables.log).toBe(expected(evens));
    expect((await bot.conversation('b'))?.variables.log).toBe(expected(odds));
    expect((await store.get('a'))?.version).toBe(11);
    expect((await store.get('b'))?.version).toBe(11);
  });
});

describe('the step cap', () => {
  const CHAIN = yaml`
    botflow: 1
    name: chain
    blocks:
      m1: { type: message, text: one, next: m2 }
      m2: { type: message, text: two, next: m3 }
      m3: { type: message, text: three, next: m4 }
      m4: { type: message, text: four, next: m5 }
      m5: { type: message, text: five, next: m6 }
      m6: { type: end, text: six, result: ok }
  `;

  it('stops a turn that runs more blocks than the cap, with status error', async () => {
    const store = new MemoryStore();
    const bot = botOf(CHAIN, { stepCap: 3, store });
    const turn = await bot.start('k');
    expect(turn).toEqual({
      messages: [{ text: 'one' }, { text: 'two' }, { text: 'three' }],
      status: 'error',
      block: 'm4',
      variables: SYSTEM,
      result: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'turn.step-cap',
          message: 'block "m4": the turn ran 3 blocks without waiting; the script loops',
        },
      ],
    });
    expect(decodeConversation((await store.get('k'))?.data ?? '')).toEqual({
      s: bot.script.version,
      b: '$failed',
      a: 'm4',
    });
  });

  it('lets a turn of exactly the cap through', async () => {
    const turn = await botOf(CHAIN, { stepCap: 6 }).start('k');
    expect(texts(turn)).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
    expect(turn.status).toBe('ended');
  });

  it('counts each turn on its own', async () => {
    const bot = botOf(
      yaml`
        botflow: 1
        name: turns
        blocks:
          a: { type: message, text: a, next: b }
          b: { type: ask, text: b?, save: x, next: c }
          c: { type: message, text: c, next: d }
          d: { type: ask, text: d?, save: y, next: e }
          e: { type: end, text: e }
      `,
      { stepCap: 2 },
    );
    expect((await bot.start('k')).status).toBe('waiting');
    expect((await bot.send('k', '1')).status).toBe('waiting');
    expect(texts(await bot.send('k', '2'))).toEqual(['e']);
  });
});

describe('the step cap and end blocks', () => {
  it('lets an end block finish the turn it ends, even at the cap', async () => {
    const bot = botOf(
      yaml`
        botflow: 1
        name: short
        blocks:
          a: { type: message, text: A, next: b }
          b: { type: message, text: B, next: c }
          c: { type: end, text: C, result: ok }
      `,
      { stepCap: 2 },
    );
    const turn = await bot.start('k');
    expect(turn).toMatchObject({ status: 'ended', result: 'ok', block: 'c', diagnostics: [] });
    expect(texts(turn)).toEqual(['A', 'B', 'C']);
  });
});

describe('the queue of one conversation', () => {
  it('refuses turns past maxQueuedTurns with conversation.busy, and takes them again once it drains', async () => {
    const bot = botOf(COLLECTOR, { maxQueuedTurns: 3 });
    await bot.start('k');
    const sends = ['a', 'b', 'c', 'd'].map((item) =>
      bot.send('k', item).then(
        (turn) => turn.variables.log,
        (error: unknown) => error,
      ),
    );
    const [a, b, c, d] = await Promise.all(sends);
    expect([a, b, c]).toEqual(['a,', 'a,b,', 'a,b,c,']);
    expect(d).toMatchObject({
      code: 'conversation.busy',
      message: 'conversation "k" is busy: 3 turns are waiting for it already; try again',
    });
    // Other conversations are not held up by a busy one, and the busy one drains.
    expect((await bot.start('other')).status).toBe('waiting');
    expect((await bot.send('k', 'e')).variables.log).toBe('a,b,c,e,');
  });
});
