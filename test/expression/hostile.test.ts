import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileExpression, evaluate, MAX_EXPRESSION_LENGTH } from '../../engine/expression/index.js';
import { problemOf, run, valueOf } from './helpers.js';

/**
 * CVE-2025-12735 (GHSA-jc85-fpwf-qm7x): expr-eval 2.0.2 calls any function found in the
 * variables passed to evaluate. The proofs of concept below are the ones published with the fix
 * (jorenbroekema/expr-eval, test/security.js), with spies in place of fs and child_process, plus
 * the older prototype pollution report (silentmatt/expr-eval#251) and the classic
 * constructor-chain escapes.
 */
const spies = {
  write: vi.fn(() => 'written'),
  cmd: vi.fn(() => 'ran'),
  exec: vi.fn(() => 'executed'),
  evil: vi.fn(() => 'evil'),
};

afterEach(() => {
  for (const spy of Object.values(spies)) expect(spy).not.toHaveBeenCalled();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(({} as Record<string, unknown>).a).toBeUndefined();
});

/** A hostile source is refused when the script loads, or evaluates to harmless data. */
function neverReachesHost(source: string): void {
  const compiled = compileExpression(source);
  if (!compiled.ok) return;
  const result = evaluate(compiled, { ...spies, context: spies });
  if (result.ok) expect(typeof result.value).not.toBe('function');
}

describe('CVE-2025-12735: functions passed in the variables', () => {
  it.each([
    'write("pwned.txt","Hello!")',
    'exec("whoami")',
    'evil("ls -lh /")',
    'cmd("ls")',
    'context.exec("whoami")',
    'context["exec"]("whoami")',
    '(exec)("whoami")',
  ])('refuses %s when the script loads', (source) => {
    const problem = problemOf(source);
    expect(problem.message).toMatch(/unknown function|only the built-in functions can be called/);
  });

  it('reads a function-valued variable as missing, never as a function', () => {
    expect(valueOf('exec', spies)).toBe('');
    expect(valueOf('context', { context: spies })).toEqual({});
    expect(valueOf('[exec, write]', spies)).toEqual(['', '']);
  });

  it('cannot call a function through a registered function either', () => {
    expect(valueOf('default(exec, "none")', spies)).toBe('none');
    expect(valueOf('join([exec], "")', spies)).toBe('');
  });
});

describe('function definition and assignment', () => {
  it.each([
    '(f(x) = x * x)(5)',
    '((h(x) = write("pwned.txt", x)) + h(5))',
    'f(x) = exec(x)',
    'x = 1',
    'name = "admin"; name',
    'a.b = 1',
  ])('refuses %s', (source) => {
    expect(problemOf(source).message).toContain('unexpected character "="');
  });
});

describe('prototype and constructor access', () => {
  it.each([
    ['constructor', 0],
    ['__proto__', 0],
    ['prototype', 0],
    ['x.constructor', 2],
    ['x.__proto__.polluted', 2],
    ['x.prototype', 2],
    ['x["constructor"]', 3],
    ["x['__proto__']", 3],
    ['[].constructor', 3],
    ['"".constructor', 3],
    ['constructor.constructor("return process")()', 0],
    ['x.constructor.constructor("return process")()', 2],
    ['x["constructor"]["constructor"]("return this")()', 3],
    ['Object=constructor;a=Object.fromEntries([["a","polluted"]]);Object.assign(__proto__, a)', 6],
  ])('refuses %s when the script loads, pointing at the name', (source, offset) => {
    const problem = problemOf(source);
    expect(problem.offset).toBe(offset);
    expect(problem.message).toMatch(/constructor|__proto__|prototype|"="/);
  });

  it.each([
    'x[key]',
    'x[key][key]',
    'x[lower("CONSTRUCTOR")]',
    'x["__pro" || "to__"].polluted',
    'x[(split("constructor"))[0]]',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'x.toString',
    'x.__defineGetter__',
    'x.__lookupGetter__',
    'x.isPrototypeOf',
    'x.propertyIsEnumerable',
    'x.toLocaleString',
  ])('keeps the computed or inherited name %s away from the host', (source) => {
    for (const key of ['constructor', '__proto__', 'prototype']) {
      const result = run(source, { x: {}, key });
      expect(result).toEqual({ ok: true, value: '' });
    }
  });

  it('does not mistake names that merely contain a prototype word for one', () => {
    expect(
      valueOf('myconstructor || prototypeName || x.__proto__x', { myconstructor: 'a', prototypeName: 'b' }),
    ).toBe('ab');
  });
});

describe('resource exhaustion', () => {
  it('refuses a 10,000-character expression without parsing it', () => {
    const problem = problemOf('a'.repeat(10_000));
    expect(problem.message).toContain('10000 characters long');
    expect(problem.offset).toBe(MAX_EXPRESSION_LENGTH);
  });

  it('refuses 10,000 nested parentheses without a stack overflow', () => {
    expect(() => compileExpression('('.repeat(10_000) + '1' + ')'.repeat(10_000))).not.toThrow();
    expect(problemOf('('.repeat(10_000) + '1' + ')'.repeat(10_000)).ok).toBe(false);
    expect(problemOf('['.repeat(400) + ']'.repeat(400)).message).toContain('nests brackets');
  });

  it('survives the deepest unary chains the length cap allows', () => {
    expect(valueOf('-'.repeat(MAX_EXPRESSION_LENGTH - 1) + '1')).toBe(-1);
    expect(valueOf('not '.repeat(249) + 'true')).toBe(false);
  });

  it('survives the longest operator chain the length cap allows', () => {
    expect(valueOf(Array.from({ length: 500 }, () => '1').join('+'))).toBe(500);
  });

  it('fails, instead of building it, a text over the size limit', () => {
    const big = 'a'.repeat(100_000);
    expect(run('replace(big, "a", big)', { big })).toEqual({
      ok: false,
      message: 'the result would be 10000000000 characters long, over the limit of 1000000',
    });
    const list = Array.from({ length: 20 }, () => big);
    const joined = run('join(list, big)', { list, big });
    expect(joined.ok).toBe(false);
    const doubled = run('big || big || big || big || big || big || big || big || big || big || big', { big });
    expect(doubled.ok).toBe(false);
  });

  it('fails, instead of building it, a list over the size limit', () => {
    const items = Array.from({ length: 600_000 }, () => 0);
    expect(run('items || items', { items })).toEqual({
      ok: false,
      message: 'the list would have 1200000 items, over the limit of 1000000',
    });
  });

  it('fails on data nested deeper than the limit instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 10_000; level++) deep = { next: deep };
    const result = run('deep', { deep });
    expect(result).toEqual({ ok: false, message: 'the data is nested more than 100 levels deep' });
    expect(valueOf('deep.next.next.next.next', { deep: { next: { next: { next: { next: 1 } } } } })).toBe(1);
  });

  it('turns a throwing Proxy in the scope into a failed result', () => {
    const trap = new Proxy(
      {},
      {
        getOwnPropertyDescriptor: () => {
          throw new Error('trap');
        },
      },
    );
    expect(run('x.y', { x: trap })).toEqual({
      ok: false,
      message: 'the expression could not be evaluated: Error: trap',
    });
  });
});

describe('nothing reaches the host', () => {
  it.each([
    'write("pwned.txt","Hello!")',
    'context.write("x", "y")',
    'exec',
    'context',
    'constructor',
    'x.constructor.constructor',
  ])('%s', (source) => {
    neverReachesHost(source);
  });
});
