import { describe, expect, it } from 'vitest';
import {
  compileExpression,
  isExpressionProblem,
  MAX_EXPRESSION_LENGTH,
  MAX_NESTING,
  expressionPaths,
  variablesOf,
} from '../../engine/expression/index.js';
import { compiled, problemOf } from './helpers.js';

describe('compileExpression', () => {
  it('parses once: the same source gives the same frozen object', () => {
    const first = compileExpression('lower(firstName) || "!"');
    expect(compileExpression('lower(firstName) || "!"')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('returns problems as values, also cached', () => {
    const problem = compileExpression('x +');
    expect(isExpressionProblem(problem)).toBe(true);
    expect(compileExpression('x +')).toBe(problem);
  });

  it('refuses an empty expression', () => {
    expect(problemOf('')).toEqual({ ok: false, message: 'the expression is empty', offset: 0 });
    expect(problemOf('   ').message).toBe('the expression is empty');
  });

  it('refuses a source over the length cap, saying the length and the limit', () => {
    const problem = problemOf('1+'.repeat(MAX_EXPRESSION_LENGTH));
    expect(problem.message).toContain(`${MAX_EXPRESSION_LENGTH * 2} characters long`);
    expect(problem.message).toContain(`limit of ${MAX_EXPRESSION_LENGTH}`);
    expect(compiled('x' + ' '.repeat(MAX_EXPRESSION_LENGTH - 1)).source).toHaveLength(MAX_EXPRESSION_LENGTH);
  });

  it('refuses brackets nested too deep, pointing at the first one too many', () => {
    const source = '('.repeat(MAX_NESTING + 1) + '1' + ')'.repeat(MAX_NESTING + 1);
    expect(problemOf(source)).toEqual({
      ok: false,
      message: `the expression nests brackets more than ${MAX_NESTING} levels deep`,
      offset: MAX_NESTING,
    });
    expect(compiled('('.repeat(MAX_NESTING) + '1' + ')'.repeat(MAX_NESTING)).ok).toBe(true);
  });

  it('does not count brackets inside quotes as nesting', () => {
    expect(compiled(`"${'('.repeat(100)}" || '${'['.repeat(100)}'`).ok).toBe(true);
  });
});

describe('parse problems', () => {
  it.each([
    ['x = 1', 2, 'compare with =='],
    ['age => 18', 4, 'unexpected "=>": did you mean >=?'],
    ['age =< 18', 4, 'unexpected "=<": did you mean <=?'],
    ['a && b', 2, 'write "and"'],
    ['!done', 0, 'not x'],
    ['"abc', 0, 'unexpected character'],
    ['name ==', 7, 'ends too early'],
    ['lower(x', 7, 'ends too early'],
    ['1 +\n  @', 6, 'unexpected character "@"'],
    ['a b', 3, 'expected the end of the expression'],
    ['split(x)[0]', 9, 'wrap the call in parentheses'],
  ])('%j → offset %i, %s', (source, offset, message) => {
    const problem = problemOf(source);
    expect(problem.offset).toBe(offset);
    expect(problem.message).toContain(message);
  });

  it('reports a problem without an offset when the parser gives none', () => {
    const problem = problemOf('x +* 2');
    expect(problem).toEqual({ ok: false, message: 'unexpected "*"' });
  });

  it('refuses a call of an unknown function, hinting at a case slip', () => {
    expect(problemOf('sqrt(4)')).toEqual({ ok: false, message: 'unknown function "sqrt"', offset: 0 });
    expect(problemOf('x || toUpper(x)').offset).toBe(5);
    expect(problemOf('Lower(x)').message).toBe('unknown function "Lower" (did you mean lower?)');
  });

  it('checks the number of arguments when the script loads', () => {
    expect(problemOf('lower()').message).toBe('lower takes 1 argument, not 0');
    expect(problemOf('replace(x, "a")').message).toBe('replace takes 3 arguments, not 2');
    expect(problemOf('split(x, " ", 2)').message).toBe('split takes 1 to 2 arguments, not 3');
    expect(problemOf('min()').message).toBe('min takes at least 1 argument, not 0');
    expect(compiled('max(1, 2, 3, 4, 5, 6)').ok).toBe(true);
  });

  it('refuses ";" statement lists', () => {
    expect(problemOf('1; 2').message).toContain('only one expression');
    expect(problemOf('x;').message).toContain('only one expression');
    expect(problemOf('(a; b) + 1').message).toContain('only one expression');
  });

  it('refuses a prefix operator used as a value', () => {
    expect(problemOf('lower(not)').message).toBe('"not" needs something after it');
  });

  it('keeps names of removed expr-eval built-ins usable as variables', () => {
    expect(variablesOf(compiled('E + PI + sin + random'))).toEqual(['E', 'PI', 'sin', 'random']);
  });
});

describe('variablesOf and expressionPaths', () => {
  it('lists root variables in order of first use, without function names', () => {
    const expression = compiled('lower(firstName) || " " || lastName || firstName');
    expect(variablesOf(expression)).toEqual(['firstName', 'lastName']);
  });

  it('finds variables in every kind of sub-expression', () => {
    const expression = compiled('a ? [b, -c] : (d and not e) or f.g[h] in i');
    expect(variablesOf(expression)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'h', 'i']);
  });

  it('gives member paths while keys are literal', () => {
    const expression = compiled(
      'body.order.product || items[0].name || items[i].price || a["b c"] || (split(x))[0]',
    );
    expect(expressionPaths(expression)).toEqual([
      'body.order.product',
      'items[0].name',
      'i',
      'items',
      'a["b c"]',
      'x',
    ]);
  });

  it('lists a variable named like a function when it is read, not called', () => {
    expect(variablesOf(compiled('length(length)'))).toEqual(['length']);
  });
});
