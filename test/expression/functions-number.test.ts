import { describe, expect, it } from 'vitest';
import type { ExpressionValue } from '../../engine/expression/index.js';
import { valueOf } from './helpers.js';

type Case = readonly [source: string, expected: ExpressionValue];

function check(cases: readonly Case[]): void {
  it.each(cases)('%s → %j', (source, expected) => {
    expect(valueOf(source, { none: null, list: [3, 1, 2], object: {} })).toEqual(expected);
  });
}

describe('toNumber: a number, or empty text when the value is not one', () => {
  check([
    ['toNumber("23")', 23],
    ['toNumber(" 4.5 ")', 4.5],
    ['toNumber("-1e3")', -1000],
    ['toNumber("+.5")', 0.5],
    ['toNumber("5.")', 5],
    ['toNumber("-0")', 0],
    ['toNumber(7)', 7],
    ['toNumber("abc")', ''],
    ['toNumber("")', ''],
    ['toNumber("1,5")', ''],
    ['toNumber("0x10")', ''],
    ['toNumber("Infinity")', ''],
    ['toNumber("1e999")', ''],
    ['toNumber("12abc")', ''],
    ['toNumber(true)', ''],
    ['toNumber(none)', ''],
    ['toNumber(list)', ''],
    ['toNumber(object)', ''],
    ['toNumber(missing)', ''],
  ]);

  it('lets default() supply a fallback number', () => {
    expect(valueOf('default(toNumber(age), 0) + 1', { age: 'twenty' })).toBe(1);
  });
});

describe('round', () => {
  check([
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(2.4)', 2],
    ['round(-0.4)', 0],
    ['round(1.005, 2)', 1.01],
    ['round(1234.5678, 2)', 1234.57],
    ['round("3.7")', 4],
    ['round(1.23456, 100)', 1.23456],
    ['round(15.5, -1)', 16],
    ['round(1.25, "abc")', 1],
    ['round(1.25, 1.9)', 1.3],
    ['round(1e300, 2)', 1e300],
    ['round(1e-7, 2)', 0],
    ['round("abc")', ''],
    ['round(true)', ''],
    ['round(list)', ''],
  ]);
});

describe('floor / ceil / abs', () => {
  check([
    ['floor(2.7)', 2],
    ['floor(-2.1)', -3],
    ['floor("9.99")', 9],
    ['ceil(2.1)', 3],
    ['ceil(-0.5)', 0],
    ['abs(-3)', 3],
    ['abs("-3.5")', 3.5],
    ['floor(missing)', ''],
    ['ceil(none)', ''],
    ['abs(object)', ''],
    ['abs("x")', ''],
  ]);
});

describe('min / max', () => {
  check([
    ['min(3, 1, 2)', 1],
    ['max(3, 1, 2)', 3],
    ['min(list)', 1],
    ['max(list)', 3],
    ['max("10", 9)', 10],
    ['min(5)', 5],
    ['min(1, "abc")', ''],
    ['max(list, 4)', ''],
    ['max([])', ''],
    ['min(missing)', ''],
    ['max(true)', ''],
  ]);

  it('handles long lists without spreading them into arguments', () => {
    const long = Array.from({ length: 200_000 }, (_, i) => i);
    expect(valueOf('max(long)', { long })).toBe(199_999);
  });
});
