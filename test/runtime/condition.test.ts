import { describe, expect, it } from 'vitest';
import { botOf, SYSTEM, texts, yaml } from '../support/scripts.js';

describe('condition block', () => {
  const router = () =>
    botOf(yaml`
      botflow: 1
      name: router
      variables: { age: 0, city: '' }
      blocks:
        route:
          type: condition
          branches:
            - if: "age >= 18 and city == 'Moscow'"
              next: adult-moscow
            - if: 'age >= 18'
              next: adult
            - if: "city in ['Kazan', 'Sochi']"
              next: south
          else: other
        adult-moscow: { type: end, text: 'An adult in Moscow.', result: adult-moscow }
        adult: { type: end, text: 'An adult.', result: adult }
        south: { type: end, text: 'A young southerner.', result: south }
        other: { type: end, text: 'Someone else.', result: other }
    `);

  it.each<[Record<string, string | number>, string]>([
    [{ age: 20, city: 'Moscow' }, 'adult-moscow'], // the first true branch wins over the second
    [{ age: 20, city: 'Kazan' }, 'adult'], // …and over the third
    [{ age: '18', city: 'Kazan' }, 'adult'], // decimal text compares as a number
    [{ age: 12, city: 'Kazan' }, 'south'],
    [{ age: 12, city: 'Moscow' }, 'other'],
    [{}, 'other'],
  ])('%j goes to %s', async (v, block) => {
    const turn = await router().start('k', { payload: { v } });
    expect(turn.block).toBe(block);
    expect(turn.result).toBe(block);
    expect(turn.status).toBe('ended');
    expect(turn.diagnostics).toEqual([]);
  });

  it('takes an expression that fails at run time as false, with a warning, and tries the next branch', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: failing
      blocks:
        check:
          type: condition
          branches:
            - if: 'name > 3'
              next: big
            - if: "name == 'abc'"
              next: abc
          else: neither
        big: { type: end, text: 'big' }
        abc: { type: end, text: 'abc' }
        neither: { type: end, text: 'neither' }
    `);
    // A name from the link is of unknown type, so only the run can tell that it is not a number.
    const turn = await bot.start('k', { payload: { v: { name: 'abc' } } });
    expect(texts(turn)).toEqual(['abc']);
    expect(turn.block).toBe('abc');
    expect(turn.diagnostics).toEqual([
      {
        severity: 'warning',
        code: 'expression.failed',
        message:
          'block "check": "name > 3" could not be evaluated (> cannot compare the text "abc" with the number 3); taken as false',
      },
    ]);
  });

  it('goes to else when every branch fails', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: all-fail
      blocks:
        check:
          type: condition
          branches:
            - if: 'name > 3'
              next: big
            - if: 'name / 0 == 1'
              next: big
          else: neither
        big: { type: end, text: 'big' }
        neither: { type: end, text: 'neither' }
    `);
    const turn = await bot.start('k', { payload: { v: { name: 'abc' } } });
    expect(turn).toMatchObject({ status: 'ended', block: 'neither', variables: { ...SYSTEM, name: 'abc' } });
    expect(turn.diagnostics.map((d) => [d.severity, d.code])).toEqual([
      ['warning', 'expression.failed'],
      ['warning', 'expression.failed'],
    ]);
  });
});
