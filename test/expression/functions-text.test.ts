import { describe, expect, it } from 'vitest';
import type { ExpressionScope, ExpressionValue } from '../../engine/expression/index.js';
import { valueOf } from './helpers.js';

/** Values of every type, so each function is shown to be total. */
const scope: ExpressionScope = {
  text: 'Hello World',
  number: 42,
  flag: true,
  none: null,
  list: ['a', 'B', 3],
  object: { City: 'Moscow' },
  emoji: '👍🏽 ok',
};

type Case = readonly [source: string, expected: ExpressionValue];

function check(cases: readonly Case[]): void {
  it.each(cases)('%s → %j', (source, expected) => {
    expect(valueOf(source, scope)).toEqual(expected);
  });
}

describe('lower / upper / trim', () => {
  check([
    ['lower(text)', 'hello world'],
    ['upper(text)', 'HELLO WORLD'],
    ['lower("ПРИВЕТ")', 'привет'],
    ['trim("  padded \\n")', 'padded'],
    ['lower(number)', '42'],
    ['upper(flag)', 'TRUE'],
    ['lower(none)', ''],
    ['upper(missing)', ''],
    ['lower(list)', '["a","b",3]'],
    ['upper(object)', '{"CITY":"MOSCOW"}'],
    ['trim(number)', '42'],
  ]);
});

describe('length', () => {
  check([
    ['length(text)', 11],
    ['length(emoji)', 4],
    ['length("e\\u0301")', 1],
    ['length(list)', 3],
    ['length(object)', 1],
    ['length(number)', 2],
    ['length(flag)', 4],
    ['length(none)', 0],
    ['length(missing)', 0],
  ]);
});

describe('contains / startsWith / endsWith', () => {
  check([
    ['contains(text, "World")', true],
    ['contains(text, "world")', false],
    ['contains(list, "B")', true],
    ['contains(list, 3)', true],
    ['contains(list, "3")', false],
    ['contains(object, "City")', true],
    ['contains(object, "Moscow")', false],
    ['contains(number, 4)', true],
    ['contains(missing, "")', true],
    ['contains(none, "x")', false],
    ['startsWith(text, "Hell")', true],
    ['startsWith(number, 4)', true],
    ['startsWith(missing, "a")', false],
    ['endsWith(text, "World")', true],
    ['endsWith(flag, "ue")', true],
    ['endsWith(list, "]")', true],
  ]);
});

describe('split', () => {
  check([
    ['split("John Smith  23")', ['John', 'Smith', '23']],
    ['split("  \\t ")', []],
    ['split("a,b,,c", ",")', ['a', 'b', '', 'c']],
    ['split("", ",")', []],
    ['split("abc", "")', ['a', 'b', 'c']],
    ['split(emoji, "")', ['👍🏽', ' ', 'o', 'k']],
    ['split(number, "")', ['4', '2']],
    ['split(1.5, ".")', ['1', '5']],
    ['split(missing)', []],
    ['split(flag, 1)', ['true']],
  ]);
});

describe('join', () => {
  check([
    ['join(list)', 'a, B, 3'],
    ['join(list, "-")', 'a-B-3'],
    ['join(["a", none, [1], object], "|")', 'a||[1]|{"City":"Moscow"}'],
    ['join([])', ''],
    ['join(text, "-")', 'Hello World'],
    ['join(number)', '42'],
    ['join(missing)', ''],
    ['join(list, 0)', 'a0B03'],
  ]);
});

describe('replace', () => {
  check([
    ['replace("a-b-c", "-", "+")', 'a+b+c'],
    ['replace("1.5", ".", ",")', '1,5'],
    ['replace("price: $1", "$1", "$&$&")', 'price: $&$&'],
    ['replace("a.b", ".*", "x")', 'a.b'],
    ['replace(text, "", "x")', 'Hello World'],
    ['replace(number, 4, 5)', '52'],
    ['replace(missing, "a", "b")', ''],
    ['replace(list, "a", "z")', '["z","B",3]'],
  ]);
});
