import { describe, expect, it } from 'vitest';
import type { ExpressionValue } from '../../engine/expression/index.js';
import { valueOf } from './helpers.js';

type Case = readonly [source: string, expected: ExpressionValue];

const scope = { none: null, list: [1, 'a'], object: { a: { b: [true] } }, blank: ' \n', zero: 0, no: false };

function check(cases: readonly Case[]): void {
  it.each(cases)('%s → %j', (source, expected) => {
    expect(valueOf(source, scope)).toEqual(expected);
  });
}

describe('toText', () => {
  check([
    ['toText("a")', 'a'],
    ['toText(12.5)', '12.5'],
    ['toText(0.1 + 0.2)', '0.30000000000000004'],
    ['toText(10 ^ 21)', '1e+21'],
    ['toText(-0)', '0'],
    ['toText(no)', 'false'],
    ['toText(none)', ''],
    ['toText(missing)', ''],
    ['toText(list)', '[1,"a"]'],
    ['toText(object)', '{"a":{"b":[true]}}'],
  ]);
});

describe('isEmpty', () => {
  check([
    ['isEmpty(missing)', true],
    ['isEmpty("")', true],
    ['isEmpty(blank)', true],
    ['isEmpty(none)', true],
    ['isEmpty([])', true],
    ['isEmpty(toNumber("x"))', true],
    ['isEmpty(zero)', false],
    ['isEmpty(no)', false],
    ['isEmpty("a")', false],
    ['isEmpty(list)', false],
    ['isEmpty(object)', false],
  ]);

  it('is true for an empty object', () => {
    expect(valueOf('isEmpty(o)', { o: {} })).toBe(true);
  });
});

describe('default', () => {
  check([
    ['default(missing, "friend")', 'friend'],
    ['default(blank, "friend")', 'friend'],
    ['default(none, 0)', 0],
    ['default([], [1])', [1]],
    ['default("Ann", "friend")', 'Ann'],
    ['default(zero, 5)', 0],
    ['default(no, true)', false],
    ['default(list, [])', [1, 'a']],
  ]);
});
