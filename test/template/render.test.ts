import { describe, expect, it } from 'vitest';
import { toText } from '../../engine/expression/index.js';
import {
  evaluateSinglePlaceholder,
  isSinglePlaceholder,
  renderTemplate,
  tryRenderTemplate,
} from '../../engine/template/index.js';
import { template } from './helpers.js';

const scope = {
  firstName: 'John',
  age: 23,
  vip: true,
  none: null,
  body: { order: { product: 'Kettle', price: 19.5 }, tags: ['a', 'b'] },
};

describe('renderTemplate', () => {
  it('renders several placeholders', () => {
    expect(
      renderTemplate(
        template('Hello, {{ firstName }}! {{ body.order.product }} costs {{ body.order.price }}.'),
        scope,
      ),
    ).toBe('Hello, John! Kettle costs 19.5.');
  });

  it('renders missing values and null as empty text', () => {
    expect(renderTemplate(template('[{{ nobody }}][{{ none }}][{{ body.nothing.here }}]'), scope)).toBe(
      '[][][]',
    );
  });

  it('renders numbers plainly, booleans as words, lists and objects as JSON', () => {
    expect(renderTemplate(template('{{ age }} {{ vip }} {{ body.tags }} {{ body.order }}'), scope)).toBe(
      '23 true ["a","b"] {"product":"Kettle","price":19.5}',
    );
  });

  it('renders a placeholder that fails as empty text', () => {
    expect(renderTemplate(template('a{{ firstName * 2 }}b'), scope)).toBe('ab');
  });

  it('passes each placeholder value, never the literal text, through escape', () => {
    const escaped = renderTemplate(
      template('https://crm.test/{{ q }}?a={{ n }}&b={{ gone }}'),
      { q: 'a b/c', n: 1 },
      (value) => encodeURIComponent(toText(value)),
    );
    expect(escaped).toBe('https://crm.test/a%20b%2Fc?a=1&b=');
  });

  it('gives escape the typed value', () => {
    const seen: unknown[] = [];
    renderTemplate(template('{{ age }}{{ body.tags }}{{ missing }}'), scope, (value) => {
      seen.push(value);
      return '';
    });
    expect(seen).toEqual([23, ['a', 'b'], '']);
  });

  it('renders text without placeholders unchanged', () => {
    expect(renderTemplate(template('no placeholders \\{{ here'), scope)).toBe('no placeholders {{ here');
  });
});

describe('tryRenderTemplate', () => {
  it('renders like renderTemplate when every placeholder evaluates', () => {
    expect(tryRenderTemplate(template('{{ firstName }} ({{ age }})'), scope)).toEqual({
      ok: true,
      text: 'John (23)',
    });
  });

  it('stops at the first failing placeholder, with its offset', () => {
    expect(tryRenderTemplate(template('ok {{ age }} then {{ firstName + 1 }}'), scope)).toEqual({
      ok: false,
      message: expect.stringContaining('the + operator needs numbers') as string,
      offset: 18,
      text: 'ok 23 then ',
    });
  });
});

describe('single placeholders keep their type', () => {
  it('recognises a template that is exactly one placeholder', () => {
    expect(isSinglePlaceholder(template('{{ age }}'))).toBe(true);
    expect(isSinglePlaceholder(template(' {{ age }}'))).toBe(false);
    expect(isSinglePlaceholder(template('{{ a }}{{ b }}'))).toBe(false);
    expect(isSinglePlaceholder(template('age'))).toBe(false);
    expect(isSinglePlaceholder(template(''))).toBe(false);
  });

  it('evaluates it to a typed value', () => {
    const typed = (text: string): unknown => {
      const parsed = template(text);
      if (!isSinglePlaceholder(parsed)) throw new Error('not a single placeholder');
      return evaluateSinglePlaceholder(parsed, scope);
    };
    expect(typed('{{ age }}')).toEqual({ ok: true, value: 23 });
    expect(typed('{{ vip }}')).toEqual({ ok: true, value: true });
    expect(typed('{{ body.order }}')).toEqual({ ok: true, value: { product: 'Kettle', price: 19.5 } });
    expect(typed('{{ missing }}')).toEqual({ ok: true, value: '' });
    expect(typed('{{ age / 0 }}')).toEqual({ ok: false, message: 'division by zero' });
  });
});

describe('rendered length', () => {
  it('stops before the part that would pass the text limit, and says so', () => {
    const big = { v: 'a'.repeat(400_000) };
    const result = tryRenderTemplate(template('{{ v }}-{{ v }}-{{ v }}-{{ v }}'), big);
    expect(result.ok).toBe(false);
    expect(result.text).toBe(`${big.v}-${big.v}-`);
    expect(result).toMatchObject({
      message:
        'the text would be over 1000000 characters long, so it ends before the part that would pass that limit',
      offset: 16,
    });
    expect(renderTemplate(template('{{ v }}{{ v }}'), big)).toHaveLength(800_000);
  });
});
