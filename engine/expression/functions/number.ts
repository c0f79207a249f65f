import { numberOf } from '../number.js';
import { isList, type ExpressionValue } from '../value.js';
import { NUMBER, typeOf, type Kind } from '../kinds.js';
import { fixed, optional, variadic, type FunctionTable } from './define.js';

/** A number function given text is a mistake the check catches: convert it with toNumber first. */
const NUMERIC: readonly Kind[] = NUMBER;
/** Number functions give `''` when a value is not a number. */
const NUMBER_OR_EMPTY = typeOf('number', 'text');

/** Number functions give `''` for anything that is not a number, the way `toNumber` does. */
function numeric(value: ExpressionValue, operation: (number: number) => number): number | '' {
  const number = numberOf(value);
  return number === undefined ? '' : operation(number) + 0;
}

/**
 * Half away from zero (2.5 → 3, -2.5 → -3), to `digits` decimals (0 to 15). The decimal shift goes
 * through the exponent of the number's text so that 1.005 rounds to 1.01, not 1.00.
 */
function round(value: number, digits: number): number {
  const shifted = (number: number, by: number): number => {
    const [mantissa = '0', exponent = '0'] = String(number).split('e');
    return Number(`${mantissa}e${Number(exponent) + by}`);
  };
  const up = shifted(Math.abs(value), digits);
  // Past 2^53 a number has no decimals left to round (and shifting could overflow).
  if (!Number.isFinite(up) || up >= Number.MAX_SAFE_INTEGER) return value;
  return Math.sign(value) * shifted(Math.round(up), -digits);
}

function decimals(value: ExpressionValue | undefined): number {
  const number = value === undefined ? 0 : (numberOf(value) ?? 0);
  return Math.min(15, Math.max(0, Math.trunc(number)));
}

/** Arguments, or the items of a single list argument; `''` if any is not a number. */
function extreme(args: readonly ExpressionValue[], pick: (a: number, b: number) => number): number | '' {
  const [first] = args;
  const values = args.length === 1 && first !== undefined && isList(first) ? first : args;
  let result: number | '' = '';
  for (const value of values) {
    const number = numberOf(value);
    if (number === undefined) return '';
    result = result === '' ? number : pick(result, number);
  }
  return result;
}

export const NUMBER_FUNCTIONS: FunctionTable = {
  toNumber: fixed(
    { params: [typeOf('text', 'number')], returns: NUMBER_OR_EMPTY },
    ([value = '']) => numberOf(value) ?? '',
  ),
  round: optional(1, { params: [NUMERIC, NUMERIC], returns: NUMBER_OR_EMPTY }, ([value = '', digits]) =>
    numeric(value, (number) => round(number, decimals(digits))),
  ),
  floor: fixed({ params: [NUMERIC], returns: NUMBER_OR_EMPTY }, ([value = '']) => numeric(value, Math.floor)),
  ceil: fixed({ params: [NUMERIC], returns: NUMBER_OR_EMPTY }, ([value = '']) => numeric(value, Math.ceil)),
  abs: fixed({ params: [NUMERIC], returns: NUMBER_OR_EMPTY }, ([value = '']) => numeric(value, Math.abs)),
  min: variadic(1, { params: [typeOf('number', 'list')], returns: NUMBER_OR_EMPTY }, (args) =>
    extreme(args, Math.min),
  ),
  max: variadic(1, { params: [typeOf('number', 'list')], returns: NUMBER_OR_EMPTY }, (args) =>
    extreme(args, Math.max),
  ),
};
