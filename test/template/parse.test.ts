import { describe, expect, it } from 'vitest';
import { templatePaths, templateVariables } from '../../engine/template/index.js';
import { problemsOf, template } from './helpers.js';

describe('parseTemplate', () => {
  it('splits text and placeholders, compiling each expression', () => {
    const parsed = template('Hello, {{ firstName }}! Your order: {{body.order.product}}.');
    expect(parsed.parts.map((part) => (part.kind === 'text' ? part.text : part.expression.source))).toEqual([
      'Hello, ',
      ' firstName ',
      '! Your order: ',
      'body.order.product',
      '.',
    ]);
    expect(parsed.parts[1]).toMatchObject({ kind: 'placeholder', offset: 7 });
    expect(Object.isFrozen(parsed)).toBe(true);
  });

  it('allows any white space inside the braces, and none', () => {
    expect(template('{{x}}{{   x\n}}').parts).toHaveLength(2);
  });

  it('keeps text without placeholders as one part, and empty text as none', () => {
    expect(template('plain } text }} {').parts).toEqual([{ kind: 'text', text: 'plain } text }} {' }]);
    expect(template('').parts).toEqual([]);
  });

  it('ends a placeholder at the first }} outside quotes', () => {
    const parsed = template('{{ "}}" || x }} and {{ \'{{\' }}');
    expect(
      parsed.parts.map((part) => (part.kind === 'placeholder' ? part.expression.source : part.text)),
    ).toEqual([' "}}" || x ', ' and ', " '{{' "]);
  });

  it('writes a literal {{ for \\{{', () => {
    expect(template('Use \\{{ name }} to insert {{ x }}').parts).toMatchObject([
      { kind: 'text', text: 'Use {{ name }} to insert ' },
      { kind: 'placeholder', offset: 26 },
    ]);
    expect(template('\\{{').parts).toEqual([{ kind: 'text', text: '{{' }]);
    expect(template('a\\b').parts).toEqual([{ kind: 'text', text: 'a\\b' }]);
  });

  it('lists the variables and paths of all placeholders once, in order', () => {
    const parsed = template('{{ a }} {{ lower(b.c) }} {{ a || d[0] }}');
    expect(templateVariables(parsed)).toEqual(['a', 'b', 'd']);
    expect(templatePaths(parsed)).toEqual(['a', 'b.c', 'd[0]']);
  });
});

describe('template problems carry offsets in the text', () => {
  it('reports an unclosed {{ at its position', () => {
    expect(problemsOf('Hello {{ name')).toEqual([
      { message: 'this {{ is not closed by }}; write \\{{ for a literal {{', offset: 6 },
    ]);
    expect(problemsOf('ok {{ x }} then {{ y }')[0]?.offset).toBe(16);
  });

  it('says when a quote keeps a placeholder open', () => {
    expect(problemsOf('{{ "abc }} more')[0]?.message).toContain('(a " inside it is not closed)');
  });

  it('reports an expression problem at its place in the text', () => {
    expect(problemsOf('Hi {{ name == }}!')).toEqual([
      { message: 'the expression ends too early', offset: 14 },
    ]);
    expect(problemsOf('x\n{{ toUpper(name) }}')).toEqual([
      { message: 'unknown function "toUpper" (did you mean upper?)', offset: 5 },
    ]);
  });

  it('points at the start of the expression when the problem has no offset of its own', () => {
    expect(problemsOf('a {{  x +* 2 }}')).toEqual([{ message: 'unexpected "*"', offset: 6 }]);
  });

  it('reports an empty placeholder', () => {
    expect(problemsOf('{{ }}')).toEqual([{ message: 'the expression is empty', offset: 2 }]);
  });

  it('reports every bad placeholder, not just the first', () => {
    expect(problemsOf('{{ a.constructor }} {{ b = 1 }} {{ c }}').map((problem) => problem.offset)).toEqual([
      5, 25,
    ]);
  });
});
