import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  evaluate,
  FUNCTION_NAMES,
  type ExpressionScope,
  type ExpressionValue,
} from '../../engine/expression/index.js';

const OPERATORS = ['+', '-', '*', '/', '%', '^', '||', '==', '!=', '<', '<=', '>', '>=', 'and', 'or', 'in'];
const NAMES = ['x', 'y', 'body', 'items', 'n', 's', 'constructor', '__proto__', 'toString'];

/** Expressions shaped by the grammar, so that most of them compile and reach the evaluator. */
const { expression } = fc.letrec<{ expression: string; atom: string }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('atom'),
    fc
      .tuple(tie('expression'), fc.constantFrom(...OPERATORS), tie('expression'))
      .map(([a, o, b]) => `(${a} ${o} ${b})`),
    fc
      .tuple(fc.constantFrom(...FUNCTION_NAMES), fc.array(tie('expression'), { maxLength: 3 }))
      .map(([name, args]) => `${name}(${args.join(', ')})`),
    fc
      .tuple(
        tie('atom'),
        fc.oneof(
          fc.constantFrom('.a', '.b', '.length', '[0]', '[1]'),
          tie('expression').map((e) => `[${e}]`),
        ),
      )
      .map(([object, member]) => `${object}${member}`),
    fc
      .tuple(tie('expression'), tie('expression'), tie('expression'))
      .map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.tuple(fc.constantFrom('-', '+', 'not '), tie('expression')).map(([o, e]) => `${o}(${e})`),
    fc.array(tie('expression'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
  ),
  atom: fc.oneof(
    fc.constantFrom(...NAMES, 'true', 'false'),
    fc.integer({ min: -1000, max: 1000 }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => String(Math.abs(n))),
    fc.string({ maxLength: 8 }).map((text) => JSON.stringify(text)),
  ),
}));

/** Token soup: mostly invalid, aimed at the parser's and the checker's corners. */
const soup = fc
  .array(
    fc.constantFrom(
      ...OPERATORS,
      ...NAMES,
      ...FUNCTION_NAMES,
      '(',
      ')',
      '[',
      ']',
      '.',
      ',',
      ';',
      '?',
      ':',
      '=',
      '!',
      '"',
      "'",
      '\\',
      ' ',
      '/*',
      '*/',
      '0x',
      '1e',
      '1',
      '"a"',
      'f(x) = ',
    ),
    { maxLength: 40 },
  )
  .map((tokens) => tokens.join(''));

const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
});

const scopes: fc.Arbitrary<ExpressionScope> = fc.record({
  x: anyValue,
  y: fc.jsonValue(),
  body: fc.jsonValue(),
  items: fc.array(fc.jsonValue(), { maxLength: 5 }),
  n: fc.double(),
  s: fc.string(),
});

/** Only JSON data comes out: no function, no NaN, no -0, nothing shared with the scope. */
function expectData(value: ExpressionValue): void {
  expect(JSON.parse(JSON.stringify(value))).toEqual(value);
}

function compileAndRun(source: string, scope: ExpressionScope): void {
  const compiled = compileExpression(source);
  if (!compiled.ok) {
    expect(typeof compiled.message).toBe('string');
    if (compiled.offset !== undefined) {
      expect(compiled.offset).toBeGreaterThanOrEqual(0);
      expect(compiled.offset).toBeLessThanOrEqual(source.length);
    }
    return;
  }
  const result = evaluate(compiled, scope);
  if (result.ok) expectData(result.value);
  else expect(typeof result.message).toBe('string');
}

describe('never throws', () => {
  it('compileExpression, for any text at all', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 1200 }), (source) => {
        compileAndRun(source, {});
      }),
      { numRuns: 500 },
    );
  });

  it('compile and evaluate, for grammar-shaped expressions and any scope', () => {
    fc.assert(
      fc.property(expression, scopes, (source, scope) => {
        compileAndRun(source, scope);
      }),
      { numRuns: 500 },
    );
  });

  it('compile and evaluate, for token soup', () => {
    fc.assert(
      fc.property(soup, scopes, (source, scope) => {
        compileAndRun(source, scope);
      }),
      { numRuns: 1000 },
    );
  });

  it('never pollutes Object.prototype', () => {
    expect(Object.keys(Object.prototype)).toEqual([]);
  });
});
