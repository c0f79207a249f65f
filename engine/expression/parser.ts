import { Parser } from 'expr-eval-fork';
import type { ExpressionProblem } from './types.js';

/**
 * expr-eval-fork is used as a parser only. Its own `evaluate` reads inherited properties on member
 * access (`x.toString`), throws on unknown variables, coerces objects through `String()`/`Number()`
 * and loops over any `length` it is given (`in`), so the engine evaluates the parsed instructions
 * itself (evaluate.ts). Operator tables are replaced by null-prototype objects: with the library's
 * plain objects, `constructor`, `toString` or `__proto__` in a script are looked up with `in` and
 * resolve to host functions (`constructor` even tokenizes as a constant holding `Object`).
 */
function nullPrototype<T extends object>(entries: T): T {
  return Object.assign(Object.create(null) as T, entries);
}

function notEvaluatedHere(): never {
  throw new Error('botflow expressions are evaluated by engine/expression/evaluate.ts only.');
}

/** The parser's lookup tables; `binaryOps` and `ternaryOps` are missing from its typings. */
interface ParserTables {
  unaryOps: object;
  binaryOps: object;
  ternaryOps: object;
  functions: object;
  consts: object;
}

function createParser(): Parser {
  const created = new Parser({
    operators: { assignment: false, fndef: false, factorial: false, in: true },
  });
  const parser = created as unknown as ParserTables;
  // Only these prefix operators exist; every other name (`sqrt`, `length`, …) is a plain name,
  // so it is either a variable or a call checked against the engine's function list.
  parser.unaryOps = nullPrototype({ '-': notEvaluatedHere, '+': notEvaluatedHere, not: notEvaluatedHere });
  parser.binaryOps = nullPrototype({ and: notEvaluatedHere, or: notEvaluatedHere, in: notEvaluatedHere });
  parser.ternaryOps = nullPrototype({ '?': notEvaluatedHere });
  parser.functions = nullPrototype({});
  // `E` and `PI` are dropped so that they stay usable as variable names.
  parser.consts = nullPrototype({ true: true, false: false });
  return created;
}

const parser = createParser();

/** The parser's instruction list (reverse Polish), not yet checked: see build.ts. */
export type ParseResult = { readonly ok: true; readonly instructions: unknown } | ExpressionProblem;

export function parseInstructions(source: string): ParseResult {
  try {
    // `tokens` is the parsed program; it is not in the library's typings (version pinned).
    const expression = parser.parse(source) as unknown as { readonly tokens: unknown };
    return { ok: true, instructions: expression.tokens };
  } catch (error) {
    return parseProblem(source, error);
  }
}

/** `parse error [line:column]: …`, where column counts from 1 on its line. */
const COORDINATES = /^parse error \[(\d+):(\d+)\]: (.*)$/s;
const UNEXPECTED_TOKEN = /^unexpected T[A-Z]+: (.*)$/s;
const MEMBER_OF_CALL = /\)\s*[[.]/;

function parseProblem(source: string, error: unknown): ExpressionProblem {
  if (error instanceof RangeError) return { ok: false, message: 'the expression is nested too deeply' };
  const raw = error instanceof Error ? error.message : String(error);
  const located = COORDINATES.exec(raw);
  if (located) {
    const [, line = '1', column = '1', message = ''] = located;
    const offset = offsetOf(source, Number(line), Number(column));
    // The grammar has no member access on a call's result, but has it on a parenthesised one.
    if (message === 'Expected EOF' && MEMBER_OF_CALL.test(source.slice(0, offset))) {
      return {
        ok: false,
        message: 'to read a member of a function’s result, wrap the call in parentheses: (split(x))[0]',
        offset,
      };
    }
    const turned = TURNED_AROUND[source.slice(offset, offset + 2)];
    if (turned !== undefined && message === 'Unknown character "="') {
      return { ok: false, message: `unexpected "${turned.written}": did you mean ${turned.meant}?`, offset };
    }
    return { ok: false, message: explain(message), offset };
  }
  if (raw === 'unexpected TEOF: EOF') {
    return { ok: false, message: 'the expression ends too early', offset: source.length };
  }
  const unexpected = UNEXPECTED_TOKEN.exec(raw);
  if (unexpected) return { ok: false, message: `unexpected "${unexpected[1] ?? ''}"` };
  return { ok: false, message: explain(raw) };
}

function offsetOf(source: string, line: number, column: number): number {
  let lineStart = 0;
  for (let current = 1; current < line; current++) {
    const newline = source.indexOf('\n', lineStart);
    if (newline < 0) break;
    lineStart = newline + 1;
  }
  return Math.min(source.length, lineStart + column - 1);
}

/** Comparisons written the other way round (`=>` is an arrow in most languages, never "at least"). */
const TURNED_AROUND: Readonly<Record<string, { written: string; meant: string }>> = {
  '=>': { written: '=>', meant: '>=' },
  '=<': { written: '=<', meant: '<=' },
};

/** Hints for the characters people bring from other languages. */
const HINTS: Readonly<Record<string, string>> = {
  '=': 'compare with ==; expressions cannot assign (use a BPL block’s set)',
  '!': 'write "not x" for negation and != for "not equal"',
  '&': 'write "and"',
  '|': 'write "or" for logic, || to join text',
  '{': 'there are no object literals',
  '}': 'there are no object literals',
  '`': 'quote text with " or \'',
};

function explain(message: string): string {
  const unknown = /^Unknown character "(.)"$/s.exec(message);
  if (unknown) {
    const character = unknown[1] ?? '';
    const hint = HINTS[character];
    return `unexpected character "${character}"${hint === undefined ? '' : ` (${hint})`}`;
  }
  const expected = /^Expected (.*)$/s.exec(message);
  if (expected) {
    const what = expected[1] ?? '';
    if (what === 'EOF') return 'expected the end of the expression (is an operator missing?)';
    if (what === 'TNAME') return 'expected a name after "."';
    return `expected "${what}"`;
  }
  const sentence = message.charAt(0).toUpperCase() + message.slice(1);
  return sentence.endsWith('.') ? sentence : `${sentence}.`;
}
