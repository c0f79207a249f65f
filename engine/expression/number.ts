import type { ExpressionValue } from './value.js';

/** Decimal notation as people type it: optional sign, digits, decimal point, exponent. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a value stands for, or undefined: numbers themselves and decimal text (surrounding
 * white space allowed, as in a typed reply). Booleans, empty text and `"0x10"` are not numbers,
 * so a typo never becomes a silent 0.
 */
export function numberOf(value: ExpressionValue): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (!DECIMAL.test(text)) return undefined;
  const number = Number(text);
  return Number.isFinite(number) ? number + 0 : undefined;
}
