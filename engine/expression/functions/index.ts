import { DATE_FUNCTIONS } from './date.js';
import type { ExpressionFunction, FunctionTable } from './define.js';
import { NUMBER_FUNCTIONS } from './number.js';
import { TEXT_FUNCTIONS } from './text.js';
import { VALUE_FUNCTIONS } from './value.js';

/**
 * The only callables in the language (docs/expressions.md). expr-eval's own functions are not
 * offered: `random` is not pure (a QA replay must give the same answer), `map`/`filter`/`fold`
 * take functions, `if` evaluates both branches (`?:` does not), and the trigonometry has no use
 * in a conversation.
 */
const FUNCTIONS: FunctionTable = Object.freeze({
  ...TEXT_FUNCTIONS,
  ...NUMBER_FUNCTIONS,
  ...VALUE_FUNCTIONS,
  ...DATE_FUNCTIONS,
});

export const FUNCTION_NAMES: readonly string[] = Object.freeze(Object.keys(FUNCTIONS).sort());

export function lookupFunction(name: string): ExpressionFunction | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

export type { ExpressionFunction } from './define.js';
