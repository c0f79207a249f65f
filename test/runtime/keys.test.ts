import { describe, expect, it } from 'vitest';
import { channels } from '../../channels/index.js';
import { ConversationKeyError, KEY_LIMIT, MemoryStore } from '../../engine/index.js';
import { botOf, yaml } from '../support/scripts.js';

const ASK = yaml`
  botflow: 1
  name: keys
  blocks:
    q: { type: ask, text: 'Name?', save: name, next: done }
    done: { type: end }
`;

describe('conversation keys', () => {
  it('are 1 to KEY_LIMIT characters without control characters, for every entry of the bot', async () => {
    const store = new MemoryStore();
    const bot = botOf(ASK, { store });
    for (const key of ['', 'k'.repeat(KEY_LIMIT + 1), 'web:4\n2', 'web:\u001b[2J']) {
      await expect(bot.start(key)).rejects.toBeInstanceOf(ConversationKeyError);
      await expect(bot.send(key, 'Ann')).rejects.toBeInstanceOf(ConversationKeyError);
      await expect(bot.conversation(key)).rejects.toBeInstanceOf(ConversationKeyError);
      expect(await store.get(key)).toBeUndefined();
    }
    const longest = 'k'.repeat(KEY_LIMIT);
    expect((await bot.start(longest)).status).toBe('waiting');
    expect((await bot.send(longest, 'Ann')).status).toBe('ended');
  });

  it('come from a messenger only for chat ids a messenger could send', () => {
    const update = (senderId: string) => ({
      object: 'page',
      entry: [
        {
          id: 'p',
          time: 1,
          messaging: [
            { sender: { id: senderId }, recipient: { id: 'p' }, message: { mid: 'm', text: 'hi' } },
          ],
        },
      ],
    });
    expect(channels.facebook.parseUpdate(update('1254459154682919'))).toHaveLength(1);
    expect(channels.facebook.parseUpdate(update('9'.repeat(1000)))).toEqual([]);
    expect(channels.facebook.parseUpdate(update('12\u0000'))).toEqual([]);
  });
});
