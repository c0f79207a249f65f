import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { decodeConversation } from '../../engine/runtime/stored.js';
import { botOf, COLLECTOR } from '../support/scripts.js';

const DUPLICATE = {
  severity: 'warning',
  code: 'message.duplicate',
  message: 'this message was applied already (the messenger delivered it again); it was not applied twice',
};

describe('a message the messenger delivers again', () => {
  it('is applied once: the redelivery says nothing, stores nothing and reports message.duplicate', async () => {
    const store = new MemoryStore();
    const bot = botOf(COLLECTOR, { store });
    await bot.start('k', { messageId: 'update-1' });
    const first = await bot.send('k', 'a', { messageId: 'update-2' });
    expect(first.variables.log).toBe('a,');
    const version = (await store.get('k'))?.version;

    const again = await bot.send('k', 'a', { messageId: 'update-2' });
    expect(again).toMatchObject({
      messages: [],
      status: 'waiting',
      block: 'next-item',
      diagnostics: [DUPLICATE],
    });
    expect(again.variables.log).toBe('a,');
    expect((await store.get('k'))?.version).toBe(version);

    expect((await bot.send('k', 'b', { messageId: 'update-3' })).variables.log).toBe('a,b,');
  });

  it('is recognised for a start too, which then does not restart the conversation', async () => {
    const bot = botOf(COLLECTOR);
    await bot.start('k', { startParam: 'x', messageId: 'update-1' });
    const again = await bot.start('k', { startParam: 'x', messageId: 'update-1' });
    expect(again.diagnostics).toEqual([DUPLICATE]);
    expect(again.messages).toEqual([]);
  });

  it('is applied again when it carries no id, as before', async () => {
    const bot = botOf(COLLECTOR);
    await bot.start('k');
    await bot.send('k', 'a');
    expect((await bot.send('k', 'a')).variables.log).toBe('a,a,');
  });

  it('recognises any of the last four, as a body with several events of one user brings them back', async () => {
    const bot = botOf(COLLECTOR);
    await bot.start('k');
    for (const item of ['a', 'b', 'c', 'd', 'e']) await bot.send('k', item, { messageId: `id-${item}` });
    for (const item of ['b', 'c', 'd', 'e']) {
      expect((await bot.send('k', item, { messageId: `id-${item}` })).diagnostics).toEqual([DUPLICATE]);
    }
    // The fifth from last is forgotten: a conversation stays small.
    expect((await bot.send('k', 'a', { messageId: 'id-a' })).variables.log).toBe('a,b,c,d,e,a,');
  });

  it('keeps an 8-character hash of each id, however long the id', async () => {
    const store = new MemoryStore();
    const bot = botOf(COLLECTOR, { store });
    const metaMid =
      'm_AG5Hz2Uq7tuwNEhXfYYKj8mJEM_QPpz5jdCK48PnKAjSdjfipqxqMvK8ma6AC8fplwlqLP_5cgXIbu7I3rBN0P';
    await bot.start('k');
    await bot.send('k', 'a', { messageId: metaMid });
    const stored = decodeConversation((await store.get('k'))?.data ?? '');
    expect(stored?.m).toEqual([expect.stringMatching(/^[\w-]{8}$/)]);
  });
});
