import { describe, expect, it } from 'vitest';
import type { Turn } from '../../engine/index.js';
import { botOf, SYSTEM, texts, yaml } from '../support/scripts.js';

/** A script that splits `cl_data` with `split`, then ends saying what it got. */
function splitter(split: string, { top = '', on = '' } = {}) {
  return botOf(yaml`
    botflow: 1
    name: splitter
    ${top}
    variables: { cl_data: '' }
    blocks:
      unpack: { type: bpl, split: ${split}, next: done ${on} }
      done: { type: end, text: '[{{ firstName }}|{{ lastName }}|{{ age }}]', result: ok }
      bad-data: { type: end, text: 'The data is wrong.', result: bad-data }
      oops: { type: end, text: 'Something went wrong.', result: error }
  `);
}

const start = (bot: ReturnType<typeof splitter>, clData: string): Promise<Turn> =>
  bot.start('k', { payload: { v: { cl_data: clData } } });

const WORDS = '{ from: cl_data, into: [firstName, lastName, age] }';

describe('bpl split', () => {
  it('splits the seed’s "John Smith 23" into firstName, lastName and age (text)', async () => {
    const turn = await start(splitter(WORDS), 'John Smith 23');
    expect(turn).toEqual({
      messages: [{ text: '[John|Smith|23]' }],
      status: 'ended',
      block: 'done',
      variables: { ...SYSTEM, cl_data: 'John Smith 23', firstName: 'John', lastName: 'Smith', age: '23' },
      result: 'ok',
      diagnostics: [],
    });
  });

  it('splits by runs of white space, ignoring it at both ends, when there is no `by`', async () => {
    const turn = await start(splitter(WORDS), '  John \t Smith   23 ');
    expect(turn.variables).toMatchObject({ firstName: 'John', lastName: 'Smith', age: '23' });
  });

  it('with more parts than names joins the rest into the last name by default (rest: join)', async () => {
    const turn = await start(splitter(WORDS), 'John Ronald Smith 23');
    expect(turn.variables).toMatchObject({ firstName: 'John', lastName: 'Ronald', age: 'Smith 23' });
    expect(texts(turn)).toEqual(['[John|Ronald|Smith 23]']);
  });

  it('joins the rest with `by` when there is one', async () => {
    const turn = await start(
      splitter('{ from: cl_data, by: ",", into: [firstName, lastName], rest: join }'),
      'John,Ronald,Smith',
    );
    expect(turn.variables).toMatchObject({ firstName: 'John', lastName: 'Ronald,Smith' });
  });

  it('drops the rest with rest: drop', async () => {
    const turn = await start(
      splitter('{ from: cl_data, into: [firstName, lastName, age], rest: drop }'),
      'John Ronald Smith 23',
    );
    expect(turn.variables).toMatchObject({ firstName: 'John', lastName: 'Ronald', age: 'Smith' });
    expect(turn.diagnostics).toEqual([]);
  });

  const ERROR_SPLIT = '{ from: cl_data, by: " ", into: [firstName, lastName, age], rest: error }';
  const TOO_MANY = {
    severity: 'error',
    code: 'bpl.too-many-parts',
    message: 'block "unpack": "cl_data" has 4 parts for 3 names',
  };

  it('takes on.error with rest: error and too many parts', async () => {
    const turn = await start(
      splitter(ERROR_SPLIT, { on: ', on: { error: bad-data }' }),
      'John Ronald Smith 23',
    );
    expect(turn).toMatchObject({
      messages: [{ text: 'The data is wrong.' }],
      status: 'ended',
      block: 'bad-data',
      result: 'bad-data',
      diagnostics: [TOO_MANY],
    });
    // Nothing of the failed split was applied.
    expect(turn.variables).not.toHaveProperty('firstName');
  });

  it('without on.error goes to the script’s on_error block', async () => {
    const turn = await start(splitter(ERROR_SPLIT, { top: 'on_error: oops' }), 'John Ronald Smith 23');
    expect(turn).toMatchObject({ status: 'ended', block: 'oops', result: 'error', diagnostics: [TOO_MANY] });
    expect(texts(turn)).toEqual(['Something went wrong.']);
  });

  it('without on.error or on_error ends with status error', async () => {
    const turn = await start(splitter(ERROR_SPLIT), 'John Ronald Smith 23');
    expect(turn).toEqual({
      messages: [],
      status: 'error',
      block: 'unpack',
      variables: { ...SYSTEM, cl_data: 'John Ronald Smith 23' },
      result: null,
      diagnostics: [TOO_MANY],
    });
  });

  it('rest: error accepts exactly as many parts as names', async () => {
    const turn = await start(splitter(ERROR_SPLIT), 'John Smith 23');
    expect(turn.block).toBe('done');
    expect(texts(turn)).toEqual(['[John|Smith|23]']);
  });

  it.each([
    ['', { firstName: '', lastName: '', age: '' }],
    ['   ', { firstName: '', lastName: '', age: '' }],
    ['John', { firstName: 'John', lastName: '', age: '' }],
    ['John Smith', { firstName: 'John', lastName: 'Smith', age: '' }],
  ])('sets missing parts of %j to empty text', async (clData, parts) => {
    const turn = await start(splitter(WORDS), clData);
    expect(turn.variables).toEqual({ ...SYSTEM, cl_data: clData, ...parts });
    expect(turn.status).toBe('ended');
  });

  it('splits by `by`, keeping empty parts between two separators', async () => {
    const turn = await start(
      splitter('{ from: cl_data, by: ";", into: [firstName, lastName, age] }'),
      'Ann;;30',
    );
    expect(turn.variables).toMatchObject({ firstName: 'Ann', lastName: '', age: '30' });
    const spaced = await start(
      splitter('{ from: cl_data, by: " - ", into: [firstName, lastName, age] }'),
      'Ann Marie - Lee - 30',
    );
    expect(spaced.variables).toMatchObject({ firstName: 'Ann Marie', lastName: 'Lee', age: '30' });
  });

  it('runs a list of splits in order; a later one may split what an earlier one wrote', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: splits
      variables: { cl_data: '', city: '' }
      blocks:
        unpack:
          type: bpl
          split:
            - { from: cl_data, by: '|', into: [name, place] }
            - { from: name, into: [firstName, lastName] }
            - { from: place, by: ',', into: [city, country] }
          next: done
        done: { type: end, text: '{{ firstName }}/{{ lastName }}/{{ city }}/{{ country }}' }
    `);
    const turn = await bot.start('k', { payload: { v: { cl_data: 'Ann Lee|Kazan,RU' } } });
    expect(texts(turn)).toEqual(['Ann/Lee/Kazan/RU']);
    expect(turn.variables).toEqual({
      ...SYSTEM,
      cl_data: 'Ann Lee|Kazan,RU',
      name: 'Ann Lee',
      place: 'Kazan,RU',
      firstName: 'Ann',
      lastName: 'Lee',
      city: 'Kazan',
      country: 'RU',
    });
  });

  it('splits the text form of a number', async () => {
    const turn = await start(splitter('{ from: code, by: ".", into: [firstName, lastName] }'), '');
    expect(turn.variables).toMatchObject({ firstName: '', lastName: '' });
    const bot = botOf(yaml`
      botflow: 1
      name: numeric
      variables: { price: 19.5 }
      blocks:
        unpack: { type: bpl, split: { from: price, by: '.', into: [whole, cents] }, next: done }
        done: { type: end, text: '{{ whole }} and {{ cents }}' }
    `);
    expect(texts(await bot.start('k'))).toEqual(['19 and 5']);
  });
});

describe('bpl set', () => {
  const unpack = (set: string, on = '') =>
    botOf(yaml`
      botflow: 1
      name: setter
      variables: { cl_data: '', age: 0 }
      blocks:
        unpack:
          type: bpl
          split: { from: cl_data, into: [firstName, lastName, age] }
          set: ${set}
          next: done
          ${on}
        done: { type: end, text: '{{ fullName }} is {{ age }}', result: ok }
        bad: { type: end, text: 'Could not compute.', result: bad }
    `);

  it('runs assignments in order after the splits: toNumber(age), || concatenation', async () => {
    const bot = unpack(
      `{ age: 'toNumber(age)', next_age: 'age + 1', fullName: "firstName || ' ' || lastName" }`,
    );
    const turn = await bot.start('k', { payload: { v: { cl_data: 'John Smith 23' } } });
    expect(turn).toEqual({
      messages: [{ text: 'John Smith is 23' }],
      status: 'ended',
      block: 'done',
      variables: {
        ...SYSTEM,
        cl_data: 'John Smith 23',
        firstName: 'John',
        lastName: 'Smith',
        age: 23,
        next_age: 24,
        fullName: 'John Smith',
      },
      result: 'ok',
      diagnostics: [],
    });
  });

  it('sees the value an earlier assignment wrote, not the one before the block', async () => {
    const bot = unpack(
      `{ fullName: "upper(firstName)", firstName: "'X'", age: "fullName || '/' || firstName" }`,
    );
    const turn = await bot.start('k', { payload: { v: { cl_data: 'ann lee 5' } } });
    expect(turn.variables).toMatchObject({ fullName: 'ANN', firstName: 'X', age: 'ANN/X' });
  });

  it('toNumber of a part that is no number is empty text', async () => {
    const bot = unpack(`{ age: 'toNumber(age)', fullName: 'firstName' }`);
    const turn = await bot.start('k', { payload: { v: { cl_data: 'John Smith twenty' } } });
    expect(turn.variables.age).toBe('');
    expect(texts(turn)).toEqual(['John is ']);
  });

  const FAILED = {
    severity: 'error',
    code: 'bpl.failed',
    message:
      'block "unpack": set nextAge: "age + 1" could not be evaluated (the + operator needs numbers, but got the text "Smith" (join text with ||, or convert it with toNumber))',
  };

  it('takes on.error when an assignment fails', async () => {
    const bot = unpack(`{ nextAge: 'age + 1', fullName: 'firstName' }`, 'on: { error: bad }');
    const turn = await bot.start('k', { payload: { v: { cl_data: 'John Ronald Smith' } } });
    expect(turn).toMatchObject({
      messages: [{ text: 'Could not compute.' }],
      status: 'ended',
      block: 'bad',
      result: 'bad',
      diagnostics: [FAILED],
    });
    expect(turn.variables).not.toHaveProperty('nextAge');
    expect(turn.variables).not.toHaveProperty('fullName');
  });

  it('without on.error a failing assignment ends the conversation with status error', async () => {
    const bot = unpack(`{ nextAge: 'age + 1' }`);
    const turn = await bot.start('k', { payload: { v: { cl_data: 'John Ronald Smith' } } });
    expect(turn).toMatchObject({
      messages: [],
      status: 'error',
      block: 'unpack',
      result: null,
      diagnostics: [FAILED],
    });
  });
});

describe('bpl is all or nothing', () => {
  it('leaves every variable as it was when a later set fails', async () => {
    const bot = botOf(yaml`
      botflow: 1
      name: atomic
      variables: { cl_data: 'John Smith 23', firstName: '', total: 0 }
      blocks:
        unpack:
          type: bpl
          split: { from: cl_data, into: [firstName, lastName, age] }
          set: { total: '1 + 1', broken: 'extra * 2' }
          next: done
          on: { error: failed }
        done: { type: end, result: ok }
        failed: { type: end, text: '[{{ firstName }}|{{ total }}]', result: failed }
    `);
    // `extra` comes from the link, of a type only the run finds out.
    const turn = await bot.start('k', { payload: { v: { extra: 'x' } } });
    expect(turn.result).toBe('failed');
    expect(turn.messages).toEqual([{ text: '[|0]' }]);
    expect(turn.variables).toMatchObject({ firstName: '', total: 0 });
    expect(turn.variables).not.toHaveProperty('lastName');
    expect(turn.diagnostics.map((d) => d.code)).toEqual(['bpl.failed']);
  });
});
