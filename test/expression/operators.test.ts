import { describe, expect, it } from 'vitest';
import { failureOf, valueOf } from './helpers.js';

describe('arithmetic', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['10 - 4 - 3', 3],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['2 ^ 10', 1024],
    ['-3 + +4', 1],
    ['0x1f', 31],
    ['1.5e3', 1500],
    ['-0', 0],
  ])('%s = %j', (source, expected) => {
    expect(valueOf(source)).toBe(expected);
  });

  it('takes decimal text as a number, such as a part split from cl_data', () => {
    expect(valueOf('age + 1', { age: '23' })).toBe(24);
    expect(valueOf('-age', { age: ' 7 ' })).toBe(-7);
  });

  it('fails with a hint instead of computing NaN', () => {
    expect(failureOf('"Hello " + name', { name: 'Ann' })).toBe(
      'the + operator needs numbers, but got the text "Hello " (join text with ||, or convert it with toNumber)',
    );
    expect(failureOf('age * 2')).toContain('got empty text');
    expect(failureOf('flag - 1', { flag: true })).toContain('the boolean true');
    expect(failureOf('-items', { items: [1] })).toContain('unary - operator needs numbers, but got a list');
  });

  it('fails on division by zero and overflow', () => {
    expect(failureOf('1 / 0')).toBe('division by zero');
    expect(failureOf('5 % 0')).toBe('division by zero');
    expect(failureOf('10 ^ 400')).toBe('the result of ^ is too large');
  });
});

describe('|| joins text', () => {
  it('joins the text forms of its operands', () => {
    const scope = { firstName: 'John', lastName: 'Smith', age: 23, gone: null };
    expect(valueOf('firstName || " " || lastName', scope)).toBe('John Smith');
    expect(valueOf('"age: " || age || ", " || missing || gone', scope)).toBe('age: 23, ');
    expect(valueOf('"" || true || [1, "a"]')).toBe('true[1,"a"]');
  });

  it('concatenates two lists', () => {
    expect(valueOf('[1] || [2, 3]')).toEqual([1, 2, 3]);
  });
});

describe('comparison', () => {
  it('== and != compare without conversion, lists and objects by content', () => {
    expect(valueOf('1 == 1')).toBe(true);
    expect(valueOf('1 == "1"')).toBe(false);
    expect(valueOf('x != ""', { x: 'a' })).toBe(true);
    expect(valueOf('missing == ""')).toBe(true);
    expect(valueOf('[1, [2]] == [1, [2]]')).toBe(true);
    expect(valueOf('a == b', { a: { k: [1] }, b: { k: [1] } })).toBe(true);
    expect(valueOf('a == b', { a: { k: 1 }, b: { k: 1, j: 2 } })).toBe(false);
    expect(valueOf('a == b', { a: { k: 1 }, b: { j: 1 } })).toBe(false);
    expect(valueOf('a == b', { a: [1], b: { 0: 1 } })).toBe(false);
  });

  it('orders numbers by value, decimal text against a number too', () => {
    expect(valueOf('2 < 10')).toBe(true);
    expect(valueOf('age >= 18', { age: '23' })).toBe(true);
    expect(valueOf('10 <= "9"')).toBe(false);
  });

  it('orders two texts by code unit', () => {
    expect(valueOf('"apple" < "banana"')).toBe(true);
    expect(valueOf('"10" < "9"')).toBe(true);
    expect(valueOf('"b" > "a"')).toBe(true);
    expect(valueOf('"a" >= "a"')).toBe(true);
  });

  it('fails on values that have no order', () => {
    expect(failureOf('"abc" < 5')).toBe('< cannot compare the text "abc" with the number 5');
    expect(failureOf('true > false')).toContain('cannot compare');
    expect(failureOf('[1] < [2]')).toContain('cannot compare a list with a list');
  });
});

describe('in', () => {
  it('finds an equal item in a list', () => {
    expect(valueOf('city in ["Moscow", "Paris"]', { city: 'Paris' })).toBe(true);
    expect(valueOf('1 in ["1"]')).toBe(false);
    expect(valueOf('[1] in [[1], [2]]')).toBe(true);
  });

  it('finds an own key in an object and a part in a text', () => {
    expect(valueOf('"id" in body', { body: { id: 1 } })).toBe(true);
    expect(valueOf('"toString" in body', { body: {} })).toBe(false);
    expect(valueOf('"gmail" in email', { email: 'a@gmail.com' })).toBe(true);
  });

  it('is false for anything else', () => {
    expect(valueOf('1 in 123')).toBe(false);
    expect(valueOf('1 in missing')).toBe(false);
  });
});

describe('logic', () => {
  it('and, or, not give booleans', () => {
    expect(valueOf('1 and "x"')).toBe(true);
    expect(valueOf('0 or ""')).toBe(false);
    expect(valueOf('not ""')).toBe(true);
    expect(valueOf('not not "x"')).toBe(true);
  });

  it('treats false, 0, empty or blank text, null, [] and {} as false', () => {
    const scope = { none: null, list: [], object: {}, blank: '  ', zero: 0 };
    for (const name of ['none', 'list', 'object', 'blank', 'zero', 'missing']) {
      expect(valueOf(`${name} ? "yes" : "no"`, scope)).toBe('no');
    }
    expect(valueOf('[0] ? "yes" : "no"')).toBe('yes');
  });

  it('evaluates the right side of and / or only when needed', () => {
    expect(valueOf('false and 1 / 0')).toBe(false);
    expect(valueOf('true or 1 / 0')).toBe(true);
    expect(failureOf('true and 1 / 0')).toBe('division by zero');
  });

  it('evaluates only the chosen branch of ?:', () => {
    expect(valueOf('age >= 18 ? "adult" : 1 / 0', { age: 20 })).toBe('adult');
    expect(valueOf('a ? 1 : b ? 2 : 3', { a: false, b: true })).toBe(2);
  });

  it('has precedence: comparison above and, and above or', () => {
    expect(valueOf('1 < 2 and 3 > 4 or 5 == 5')).toBe(true);
    expect(valueOf('"a" || "b" == "ab"')).toBe(true);
  });
});

describe('literals', () => {
  it('reads text with escapes, lists, booleans and comments', () => {
    expect(valueOf('"say \\"hi\\"\\n"')).toBe('say "hi"\n');
    expect(valueOf("'it\\'s'")).toBe("it's");
    expect(valueOf('"\\u0416"')).toBe('Ж');
    expect(valueOf('[1, "a", true, []]')).toEqual([1, 'a', true, []]);
    expect(valueOf('/* a note */ 42')).toBe(42);
  });
});
