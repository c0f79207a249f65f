import { describe, expect, it } from 'vitest';
import { buttonChoices, REPLY_LIMIT, type Value } from '../../engine/index.js';
import { shown, talk } from './helpers.js';
import { botOf, SYSTEM, texts, yaml } from '../support/scripts.js';

/** A one-question script: `q` asks with `expect`, then `done` says what was saved. */
function asker(expect: string) {
  return botOf(yaml`
    botflow: 1
    name: asker
    blocks:
      q:
        type: ask
        text: 'Your value?'
        save: answer
        expect: ${expect}
        next: done
      done: { type: end, text: 'Saved {{ toText(answer) }}', result: ok }
  `);
}

const QUESTION = { text: 'Your value?' };

describe.each<{ expect: string; good: [string, Value][]; bad: string[] }>([
  {
    expect: 'text',
    good: [
      ['hello', 'hello'],
      ['  two words  ', 'two words'],
      ['Привет', 'Привет'],
    ],
    bad: ['', '   ', '\n\t'],
  },
  {
    expect: 'number',
    good: [
      ['42', 42],
      ['3,5', 3.5],
      ['3.5', 3.5],
      ['-1.25', -1.25],
      ['+7', 7],
      [' 0 ', 0],
    ],
    bad: ['abc', '1e3', '1.2.3', '3,', ',5', '', '12 apples', 'NaN', 'Infinity', '9'.repeat(400)],
  },
  {
    expect: 'integer',
    good: [
      ['42', 42],
      ['-7', -7],
      ['+3', 3],
      ['007', 7],
    ],
    bad: ['3.5', '3,5', 'seven', '', '99999999999999999999', '1 000'],
  },
  {
    expect: 'email',
    good: [
      ['john@example.com', 'john@example.com'],
      [' John.Smith+tag@mail.co.uk ', 'John.Smith+tag@mail.co.uk'],
    ],
    bad: ['john@', 'john@example', 'john example.com', 'a b@c.de', '@example.com', 'a@@b.cd', ''],
  },
  {
    expect: 'phone',
    good: [
      ['+7 (900) 123-45-67', '+79001234567'],
      ['+7 900 123-45-67', '+79001234567'],
      ['8-900-123-45-67', '89001234567'],
      ['79000000000', '79000000000'],
      ['+44 20 7946.0958', '+442079460958'],
    ],
    bad: ['12345', '+0123456789', 'call me', '7+9001234567', '+7 900 123 45 67 89 01 23', ''],
  },
])('ask with expect: $expect', ({ expect: kind, good, bad }) => {
  it.each(good)('accepts %j and saves %j', async (reply, saved) => {
    const [, turn] = await talk(asker(kind), [reply]);
    expect(turn).toEqual({
      messages: [{ text: `Saved ${shown(saved)}` }],
      status: 'ended',
      block: 'done',
      variables: { ...SYSTEM, lastMessage: reply, answer: saved },
      result: 'ok',
      diagnostics: [],
    });
  });

  it.each(bad)('refuses %j and asks again', async (reply) => {
    const [first, turn] = await talk(asker(kind), [reply]);
    expect(first?.messages).toEqual([QUESTION]);
    expect(turn).toEqual({
      messages: [QUESTION],
      status: 'waiting',
      block: 'q',
      // One bad reply of the default 2 tries.
      input: { kind, retriesLeft: 1 },
      variables: { ...SYSTEM, lastMessage: reply },
      result: null,
      diagnostics: [],
    });
  });
});

describe('ask with choices', () => {
  const sizes = () =>
    botOf(yaml`
      botflow: 1
      name: sizes
      variables: { city: Moscow }
      blocks:
        size:
          type: ask
          text: 'Which size?'
          save: size
          choices:
            - { label: Small, value: S }
            - { label: 'Extra large', value: XL, next: upsell }
            - { label: Medium }
            - { label: Seven, value: 7 }
            - { label: 'Stay in {{ city }}', value: stay }
          next: confirm
        upsell: { type: end, text: 'Great choice!', result: upsell }
        confirm: { type: end, text: 'Size {{ size }}', result: ok }
    `);
  const BUTTONS = ['Small', 'Extra large', 'Medium', 'Seven', 'Stay in Moscow'];

  it('shows the choices as buttons on the question', async () => {
    const turn = await sizes().start('k');
    expect(turn.messages).toEqual([{ text: 'Which size?', buttons: BUTTONS }]);
    expect(turn.status).toBe('waiting');
  });

  it.each<[string, Value, string]>([
    ['Small', 'S', 'confirm'],
    ['small', 'S', 'confirm'],
    ['  SMALL ', 'S', 'confirm'],
    ['s', 'S', 'confirm'],
    ['Medium', 'Medium', 'confirm'],
    ['7', 7, 'confirm'],
    ['seven', 7, 'confirm'],
    ['stay in moscow', 'stay', 'confirm'],
    ['STAY', 'stay', 'confirm'],
    ['extra LARGE', 'XL', 'upsell'],
    ['xl', 'XL', 'upsell'],
  ])('%j saves %j and goes to %s (a choice’s own next wins)', async (reply, value, block) => {
    const [, turn] = await talk(sizes(), [reply]);
    expect(turn?.variables.size).toBe(value);
    expect(turn?.block).toBe(block);
    expect(turn?.status).toBe('ended');
    expect(texts(turn)).toEqual([block === 'upsell' ? 'Great choice!' : `Size ${shown(value)}`]);
  });

  it('re-asks with the buttons after a reply that matches no choice', async () => {
    const [, first, second] = await talk(sizes(), ['Large', 'Sm']);
    for (const turn of [first, second]) {
      expect(turn?.messages).toEqual([{ text: 'Which size?', buttons: BUTTONS }]);
      expect(turn?.status).toBe('waiting');
      expect(turn?.variables).not.toHaveProperty('size');
    }
    expect(second?.variables.lastMessage).toBe('Sm');
  });

  it('sends `invalid` with the buttons when there is one', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: yesno
      blocks:
        confirm:
          type: ask
          text: 'Continue?'
          save: go
          choices: [{ label: 'Yes', value: true }, { label: 'No', value: false }]
          invalid: 'Please press a button, {{ lastMessage }} is not one.'
          next: done
        done: { type: end, text: 'go={{ go }}' }
    `);
    const [, bad, good] = await talk(bot, ['maybe', 'no']);
    expect(bad?.messages).toEqual([
      { text: 'Please press a button, maybe is not one.', buttons: ['Yes', 'No'] },
    ]);
    expect(good?.variables.go).toBe(false);
    expect(texts(good)).toEqual(['go=false']);
  });
});

describe('ask with a pattern', () => {
  it('matches Unicode letters with \\p{L}', async () => {
    const bot = () =>
      botOf(yaml`
        botflow: 1
        name: names
        blocks:
          name:
            type: ask
            text: 'Your name?'
            save: name
            expect: { pattern: "^[\\p{L} .'-]{2,60}$" }
            invalid: 'Letters only, please.'
            next: hi
          hi: { type: end, text: 'Hi, {{ name }}!' }
      `);
    const good: [string, string][] = [
      ['Анна Иванова', 'Анна Иванова'],
      ["  O'Brien-Smith ", "O'Brien-Smith"],
      ['Zoë', 'Zoë'],
    ];
    for (const [reply, saved] of good) {
      const [, turn] = await talk(bot(), [reply]);
      expect(turn?.variables.name).toBe(saved);
      expect(texts(turn)).toEqual([`Hi, ${saved}!`]);
    }
    for (const reply of ['R2-D2', 'A', 'ann@example.com', '']) {
      const [, turn] = await talk(bot(), [reply]);
      expect(turn?.messages).toEqual([{ text: 'Letters only, please.' }]);
      expect(turn?.status).toBe('waiting');
    }
  });

  it('refuses an empty reply even when the pattern matches empty text', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: digits
      blocks:
        code:
          type: ask
          text: 'Code?'
          save: code
          expect: { pattern: '^\d*$' }
          next: done
        done: { type: end, text: 'code={{ code }}' }
    `);
    const [, empty, blank, good] = await talk(bot, ['', '   ', '0042']);
    expect(empty?.messages).toEqual([{ text: 'Code?' }]);
    expect(blank?.messages).toEqual([{ text: 'Code?' }]);
    expect(good?.variables.code).toBe('0042');
    expect(good?.status).toBe('ended');
  });

  it('runs a nested-quantifier pattern over a 4,000-character reply to the end', async () => {
    const bot = () =>
      botOf(yaml`
        botflow: 1
        name: nested
        blocks:
          q:
            type: ask
            text: 'Say a lot'
            save: said
            expect: { pattern: '^((a+))+$' }
            next: done
          done: { type: end, text: 'Length {{ length(said) }}' }
      `);
    const [, bad] = await talk(bot(), [`${'a'.repeat(3999)}!`]);
    expect(bad?.messages).toEqual([{ text: 'Say a lot' }]);
    expect(bad?.status).toBe('waiting');
    const [, good] = await talk(bot(), ['a'.repeat(4000)]);
    expect(good?.messages).toEqual([{ text: 'Length 4000' }]);
    expect(good?.status).toBe('ended');
  });
});

describe('ask retries', () => {
  const retrying = (extra: string, top = '') =>
    botOf(yaml`
      botflow: 1
      name: retrying
      ${top}
      blocks:
        age: { type: ask, text: 'How old are you?', save: age, expect: integer, next: done ${extra} }
        done: { type: end, text: 'Age {{ age }}', result: ok }
        give-up: { type: end, text: 'Never mind.', result: gave-up }
        oops: { type: end, text: 'Something went wrong.', result: error }
    `);

  it('sends `invalid` after each bad reply, up to `retries` times (default 2)', async () => {
    const bot = retrying(`, invalid: 'A whole number, please; "{{ lastMessage }}" is not.'`);
    const turns = await talk(bot, ['old', 'very old', '23']);
    expect(turns.map(texts)).toEqual([
      ['How old are you?'],
      ['A whole number, please; "old" is not.'],
      ['A whole number, please; "very old" is not.'],
      ['Age 23'],
    ]);
    expect(turns.at(-1)?.status).toBe('ended');
    expect(turns.at(-1)?.variables.age).toBe(23);
  });

  it('re-sends the question when there is no `invalid`', async () => {
    const turns = await talk(retrying(''), ['x']);
    expect(turns.map((turn) => turn.messages)).toEqual([
      [{ text: 'How old are you?' }],
      [{ text: 'How old are you?' }],
    ]);
  });

  it('goes to on.invalid when the retries run out, without another invalid message', async () => {
    const bot = retrying(`, retries: 1, invalid: 'Try again.', on: { invalid: give-up }`);
    const turns = await talk(bot, ['x', 'y']);
    expect(turns.map(texts)).toEqual([['How old are you?'], ['Try again.'], ['Never mind.']]);
    expect(turns[2]).toEqual({
      messages: [{ text: 'Never mind.' }],
      status: 'ended',
      block: 'give-up',
      variables: { ...SYSTEM, lastMessage: 'y' },
      result: 'gave-up',
      diagnostics: [],
    });
  });

  it('goes to the script’s on_error block, with an error diagnostic, when there is no on.invalid', async () => {
    const bot = retrying(', retries: 0', 'on_error: oops');
    const [, turn] = await talk(bot, ['x']);
    expect(turn).toEqual({
      messages: [{ text: 'Something went wrong.' }],
      status: 'ended',
      block: 'oops',
      variables: { ...SYSTEM, lastMessage: 'x' },
      result: 'error',
      diagnostics: [
        {
          severity: 'error',
          code: 'ask.no-valid-reply',
          message: 'block "age": no valid reply after 1 try',
        },
      ],
    });
  });

  it('ends with status error and a diagnostic when nothing routes the failure', async () => {
    const bot = retrying('');
    const turns = await talk(bot, ['a', 'b', 'c']);
    expect(turns.map((turn) => turn.status)).toEqual(['waiting', 'waiting', 'waiting', 'error']);
    expect(turns[3]).toEqual({
      messages: [],
      status: 'error',
      block: 'age',
      variables: { ...SYSTEM, lastMessage: 'c' },
      result: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'ask.no-valid-reply',
          message: 'block "age": no valid reply after 3 tries',
        },
      ],
    });
    expect(await bot.conversation('k')).toEqual({ ...turns[3], diagnostics: [], messages: [] });
  });

  it('may send on.invalid back to itself, which asks afresh', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: stubborn
      blocks:
        n:
          type: ask
          text: 'Number?'
          save: n
          expect: number
          retries: 1
          invalid: 'A number, please.'
          on: { invalid: n }
          next: done
        done: { type: end, text: 'n={{ n }}' }
    `);
    const turns = await talk(bot, ['a', 'b', 'c', 'd', '5']);
    expect(turns.map(texts)).toEqual([
      ['Number?'],
      ['A number, please.'],
      ['Number?'],
      ['A number, please.'],
      ['Number?'],
      ['n=5'],
    ]);
  });

  it('counts bad replies afresh each time the ask is entered again', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: menu
      blocks:
        pick:
          type: ask
          text: 'Number?'
          save: n
          expect: number
          retries: 1
          next: again
        again: { type: message, text: 'Got {{ n }}.', next: pick }
    `);
    const turns = await talk(bot, ['x', '1', 'y', '2', 'z', 'w']);
    expect(turns.map(texts)).toEqual([
      ['Number?'],
      ['Number?'],
      ['Got 1.', 'Number?'],
      ['Number?'],
      ['Got 2.', 'Number?'],
      ['Number?'],
      [],
    ]);
    expect(turns.at(-1)?.status).toBe('error');
  });
});

describe('ask replies', () => {
  it('sets lastMessage to the raw reply, good or bad', async () => {
    const [, bad, good] = await talk(asker('integer'), [' x ', '  5 ']);
    expect(bad?.variables.lastMessage).toBe(' x ');
    expect(good?.variables.lastMessage).toBe('  5 ');
    expect(good?.variables.answer).toBe(5);
  });

  it(`cuts a 100 KB reply to REPLY_LIMIT (${REPLY_LIMIT}) characters with a warning`, async () => {
    const reply = 'x'.repeat(100 * 1024);
    const [, turn] = await talk(asker('text'), [reply]);
    expect(turn?.status).toBe('ended');
    expect(turn?.variables.answer).toBe('x'.repeat(REPLY_LIMIT));
    expect(turn?.variables.lastMessage).toBe('x'.repeat(REPLY_LIMIT));
    expect(turn?.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'reply.truncated',
        message: `the reply was 102400 characters long; only the first ${REPLY_LIMIT} were read`,
      },
    ]);
  });

  it('never cuts a character in half', async () => {
    const reply = `a${'😀'.repeat(3000)}`;
    const [, turn] = await talk(asker('text'), [reply]);
    const answer = turn?.variables.answer as string;
    expect(answer).toBe(`a${'😀'.repeat(2047)}`);
    expect(turn?.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'reply.truncated',
        message: 'the reply was 6001 characters long; only the first 4095 were read',
      },
    ]);
  });

  it('checks the cut reply, not the whole one', async () => {
    const [, turn] = await talk(asker('integer'), ['1'.repeat(100 * 1024)]);
    expect(turn?.status).toBe('waiting');
    expect(turn?.diagnostics.map((d) => d.code)).toEqual(['reply.truncated']);
  });
});

describe('what a waiting turn takes (turn.input)', () => {
  const script = yaml`
    botflow: 1
    name: input
    variables: { big: Large }
    blocks:
      size:
        type: ask
        text: Size?
        save: size
        retries: 1
        on: { invalid: phone }
        choices:
          - { label: Small, value: S }
          - { label: '{{ big }}', value: true }
          - { label: '{{ missing }}', value: M }
        next: phone
      phone: { type: ask, text: Phone?, save: phone, expect: phone }
  `;

  it('names the kind, the choices as their buttons show them, and the tries left, on every path', async () => {
    const bot = botOf(script, { onStart: 'ignore' });
    const choices = [
      { label: 'Small', value: 'S' },
      { label: 'Large', value: 'true' },
    ];
    const started = await bot.start('k');
    expect(started.messages[0]?.buttons).toEqual(['Small', 'Large']);
    expect(started.input).toEqual({ kind: 'choice', choices, retriesLeft: 1 });
    expect((await bot.send('k', 'no', { messageId: 'm1' })).input).toEqual({
      kind: 'choice',
      choices,
      retriesLeft: 0,
    });
    // A redelivery, a start the conversation ignores, and a look at it tell the same.
    expect((await bot.send('k', 'no', { messageId: 'm1' })).input?.retriesLeft).toBe(0);
    expect((await bot.start('k')).input?.retriesLeft).toBe(0);
    expect((await bot.conversation('k'))?.input?.retriesLeft).toBe(0);
    // Past its tries the ask goes on: the next block's input.
    expect((await bot.send('k', 'no')).input).toEqual({ kind: 'phone', retriesLeft: 2 });
    expect((await bot.send('k', '+15551234567')).input).toBeUndefined();
  });
});

describe('buttons with the values that pick them', () => {
  const script = yaml`
    botflow: 1
    name: pairs
    blocks:
      pick:
        type: ask
        text: Which?
        save: picked
        choices:
          - { label: Yes, value: A }
          - { label: Yes, value: B }
          - { label: No, value: A2 }
          - { label: Maybe, value: 'No' }
        next: done
      done: { type: end }
  `;

  it('pair each button with its own choice, and sending its value picks that choice', async () => {
    const bot = botOf(script);
    const started = await bot.start('k');
    const buttons = buttonChoices(started.messages[0]?.buttons ?? [], started.input);
    expect(buttons).toEqual([
      { label: 'Yes', value: 'A' },
      { label: 'Yes', value: 'B' },
      { label: 'No', value: 'A2' },
      { label: 'Maybe', value: 'No' },
    ]);
    for (const { value } of buttons) {
      await bot.start(`k-${value}`);
      // "No" is Maybe's value and No's label: the value wins, as the button meant it.
      expect((await bot.send(`k-${value}`, value)).variables.picked).toBe(value);
    }
  });
});
