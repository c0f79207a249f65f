import type { Kind, ValueType } from '../kinds.js';
import type { ExpressionValue } from '../value.js';

/**
 * What a function takes and gives, for the load-time check (docs/expressions.md, "Types"). An
 * argument of a known type outside `params` is an error when the script loads, even though the
 * call itself would not fail: `round(name)` is a mistake, not a rounding.
 */
export interface Signature {
  /** What each argument may be; the last one repeats for `min` and `max`. */
  readonly params: readonly (readonly Kind[])[];
  /** The result's type, or how it follows from the arguments' (`default`). */
  readonly returns: ValueType | ((args: readonly ValueType[]) => ValueType);
}

/**
 * A function scripts may call. Every one is pure and total: any argument of any type gives a
 * value (a number function given something else gives `''`, like `toNumber`), so a script can
 * only fail at run time through an operator or a size limit. Missing optional arguments arrive
 * as `undefined` and are defaulted by destructuring.
 */
export interface ExpressionFunction extends Signature {
  readonly minArgs: number;
  /** `Infinity` for `min` and `max`. */
  readonly maxArgs: number;
  readonly call: (args: readonly ExpressionValue[]) => ExpressionValue;
}

export type FunctionTable = Readonly<Record<string, ExpressionFunction>>;

/** Exactly as many arguments as the signature lists. */
export function fixed(signature: Signature, call: ExpressionFunction['call']): ExpressionFunction {
  return { ...signature, minArgs: signature.params.length, maxArgs: signature.params.length, call };
}

/** The first `minArgs` arguments are needed, the rest of the signature's are optional. */
export function optional(
  minArgs: number,
  signature: Signature,
  call: ExpressionFunction['call'],
): ExpressionFunction {
  return { ...signature, minArgs, maxArgs: signature.params.length, call };
}

/** At least `minArgs` arguments, as many more as wanted, each like the signature's last. */
export function variadic(
  minArgs: number,
  signature: Signature,
  call: ExpressionFunction['call'],
): ExpressionFunction {
  return { ...signature, minArgs, maxArgs: Infinity, call };
}
