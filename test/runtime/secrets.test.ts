import { describe, expect, it } from 'vitest';
import { MemoryStore, secretMasker } from '../../engine/index.js';
import { botOf, yaml } from '../support/scripts.js';

const SCRIPT = yaml`
  botflow: 1
  name: secrets
  env: [API_KEY, BASE, PIN]
  blocks:
    show:
      type: message
      text: 'Key {{ env.API_KEY }} at {{ env.BASE }}/x, short {{ env.PIN }}'
      buttons: ['{{ env.API_KEY }}']
      next: keep
    keep: { type: bpl, set: { copy: "'k=' || env.API_KEY" }, next: ask }
    ask: { type: ask, text: 'Token?', save: token, next: done }
    done: { type: end, text: 'Got {{ token }}', result: '{{ env.API_KEY }}' }
`;

describe('env values', () => {
  const env = { API_KEY: 'sk-live-123456', BASE: 'https://crm.example.com', PIN: '42' };

  it('show as *** in the turn’s messages and variables', async () => {
    const store = new MemoryStore();
    const bot = botOf(SCRIPT, { env, store });
    const turn = await bot.start('k');
    expect(turn.messages).toEqual([
      { text: 'Key *** at ***/x, short 42', buttons: ['***'] },
      { text: 'Token?' },
    ]);
    expect(turn.variables.copy).toBe('k=***');
    expect(JSON.stringify(turn)).not.toContain('sk-live-123456');
    // The conversation itself keeps the real value, so it goes on working.
    expect((await store.get('k'))?.data).toContain('k=sk-live-123456');
    expect((await bot.conversation('k'))?.variables.copy).toBe('k=***');
  });

  it('are masked in what the user typed, too', async () => {
    const bot = botOf(SCRIPT, { env });
    await bot.start('k');
    const turn = await bot.send('k', 'is it sk-live-123456?');
    expect(turn.messages).toEqual([{ text: 'Got is it ***?' }]);
    expect(turn.variables.token).toBe('is it ***?');
    expect(turn.variables.lastMessage).toBe('is it ***?');
    expect(turn.result).toBe('{{ env.API_KEY }}'); // a result is plain text, not a template
  });
});

describe('a secret cut short by a message', () => {
  it('is masked in the piece that shows', async () => {
    const bot = botOf(
      yaml`
        botflow: 1
        name: cut
        env: [TOKEN]
        blocks:
          check:
            type: condition
            branches: [{ if: 'default(env.TOKEN, 0) > 5', next: done }]
            else: done
          done: { type: end, result: ok }
      `,
      { env: { TOKEN: 'sk_live_0123456789abcdefghijklmnop' } },
    );
    const turn = await bot.start('k');
    expect(turn.diagnostics).toHaveLength(1);
    expect(JSON.stringify(turn)).not.toContain('sk_live_01234567');
  });
});

describe('secretMasker', () => {
  const mask = secretMasker(['sk-live-123456', '42']);

  it('masks a secret in object keys as well as in values, at any depth', () => {
    expect(
      mask({ 'sk-live-123456': ['sk-live-123456', 42], nested: { 'key sk-live-123456': '42' } }),
    ).toEqual({
      '***': ['***', 42],
      nested: { 'key ***': '42' },
    });
  });
});
