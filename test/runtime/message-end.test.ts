import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../engine/index.js';
import { decodeConversation } from '../../engine/runtime/stored.js';
import { botOf, SYSTEM, yaml } from '../support/scripts.js';

describe('message block', () => {
  it('renders its templates and buttons, then goes on at once', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: greet
      variables: { firstName: Ann, age: 23, tags: '' }
      blocks:
        greet:
          type: message
          text: 'Hello, {{ firstName }}! Next year you are {{ age + 1 }}.'
          buttons: ['Hi, {{ upper(firstName) }}', 'Leave', '{{ missing }}']
          next: plain
        plain:
          type: message
          text: 'A literal \{{ name }} and {{ "}}" }} and {{ age * response }}.'
          next: bye
        bye: { type: end, text: 'Bye!' }
    `);
    const turn = await bot.start('k');
    expect(turn.messages).toEqual([
      // The third button renders empty, and messengers refuse empty buttons: it is left out.
      { text: 'Hello, Ann! Next year you are 24.', buttons: ['Hi, ANN', 'Leave'] },
      { text: 'A literal {{ name }} and }} and .' },
      { text: 'Bye!' },
    ]);
    // A message without buttons has no `buttons` field at all.
    expect(turn.messages[1]).not.toHaveProperty('buttons');
    expect(turn.status).toBe('ended');
    expect(turn.block).toBe('bye');
    expect(turn.result).toBeNull();
    // The placeholder that failed to evaluate rendered empty, with a warning naming the block.
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'template.failed',
        message: expect.stringMatching(/^block "plain": a placeholder could not be rendered: /) as string,
      },
    ]);
  });

  it('without next ends the conversation with status ended and result null', async () => {
    const store = new MemoryStore();
    const bot = botOf(
      yaml`
        botflow: 1
        name: one
        blocks:
          only: { type: message, text: 'Just this.' }
      `,
      { store },
    );
    const turn = await bot.start('k');
    expect(turn).toEqual({
      messages: [{ text: 'Just this.' }],
      status: 'ended',
      block: 'only',
      variables: SYSTEM,
      result: null,
      diagnostics: [],
    });
    const record = await store.get('k');
    expect(decodeConversation(record?.data ?? '')).toEqual({
      s: bot.script.version,
      b: '$end',
      a: 'only',
    });
    expect(await bot.conversation('k')).toEqual({ ...turn, messages: [] });
  });
});

describe('end block', () => {
  const bot = botOf(yaml`
    botflow: 1
    name: ends
    variables: { name: '' }
    blocks:
      ask:
        type: ask
        text: 'Name?'
        save: name
        next: check
      check:
        type: condition
        branches:
          - if: "name == 'quiet'"
            next: silent
        else: done
      done: { type: end, text: 'Thank you, {{ name }}.', result: ok }
      silent: { type: end }
  `);

  it('sends its text and ends with its result', async () => {
    await bot.start('a');
    const turn = await bot.send('a', 'Ann');
    expect(turn).toEqual({
      messages: [{ text: 'Thank you, Ann.' }],
      status: 'ended',
      block: 'done',
      variables: { ...SYSTEM, lastMessage: 'Ann', name: 'Ann' },
      result: 'ok',
      diagnostics: [],
    });
    expect(await bot.conversation('a')).toEqual({ ...turn, messages: [] });
  });

  it('without text or result says nothing and ends with result null', async () => {
    await bot.start('b');
    const turn = await bot.send('b', 'quiet');
    expect(turn.messages).toEqual([]);
    expect(turn.status).toBe('ended');
    expect(turn.block).toBe('silent');
    expect(turn.result).toBeNull();
  });
});
