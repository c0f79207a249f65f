import type { ExpressionValue } from '../value.js';

/**
 * A function scripts may call. Every one is pure and total: any argument of any type gives a
 * value (a number function given something else gives `''`, like `toNumber`), so a script can
 * only fail at run time through an operator or a size limit. Missing optional arguments arrive
 * as `undefined` and are defaulted by destructuring.
 */
export interface ExpressionFunction {
  readonly minArgs: number;
  /** `Infinity` for `min` and `max`. */
  readonly maxArgs: number;
  readonly call: (args: readonly ExpressionValue[]) => ExpressionValue;
}

export type FunctionTable = Readonly<Record<string, ExpressionFunction>>;

export function fixed(count: number, call: ExpressionFunction['call']): ExpressionFunction {
  return { minArgs: count, maxArgs: count, call };
}

export function between(
  minArgs: number,
  maxArgs: number,
  call: ExpressionFunction['call'],
): ExpressionFunction {
  return { minArgs, maxArgs, call };
}
