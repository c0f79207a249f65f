import type { BinaryOperator, UnaryOperator } from './ast.js';
import { ensureListLength, ensureTextLength, EvaluationError } from './error.js';
import { numberOf } from './number.js';
import {
  dataEquals,
  describeValue,
  isDataObject,
  isList,
  isTruthy,
  toText,
  type ExpressionValue,
} from './value.js';

/**
 * Operator meanings. Arithmetic takes numbers or decimal text (a value split from `cl_data` is
 * text) and fails with a message for anything else, rather than computing NaN: a designer who
 * writes `"Hello " + name` learns to use `||`. Equality never converts: `1 == "1"` is false.
 */
function operand(operator: string, value: ExpressionValue): number {
  const number = numberOf(value);
  if (number === undefined) {
    const hint = typeof value === 'string' ? ' (join text with ||, or convert it with toNumber)' : '';
    throw new EvaluationError(
      `the ${operator} operator needs numbers, but got ${describeValue(value)}${hint}`,
    );
  }
  return number;
}

function finite(operator: string, result: number): number {
  if (!Number.isFinite(result)) {
    throw new EvaluationError(
      operator === '/' || operator === '%' ? 'division by zero' : `the result of ${operator} is too large`,
    );
  }
  return result + 0;
}

function arithmetic(operator: string, a: number, b: number): number {
  switch (operator) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    default:
      return a ** b;
  }
}

function concatenate(left: ExpressionValue, right: ExpressionValue): ExpressionValue {
  if (isList(left) && isList(right)) {
    ensureListLength(left.length + right.length);
    return [...left, ...right];
  }
  const a = toText(left);
  const b = toText(right);
  ensureTextLength(a.length + b.length);
  return a + b;
}

/** Numbers (or decimal text against a number) by value, two texts in code-unit order. */
function compare(operator: string, left: ExpressionValue, right: ExpressionValue): number {
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  const a = numberOf(left);
  const b = numberOf(right);
  if (a === undefined || b === undefined || (typeof left !== 'number' && typeof right !== 'number')) {
    throw new EvaluationError(
      `${operator} cannot compare ${describeValue(left)} with ${describeValue(right)}`,
    );
  }
  return a - b;
}

/** `x in list` (an equal item), `key in object` (an own key), `part in text` (a substring). */
function includes(item: ExpressionValue, container: ExpressionValue): boolean {
  if (isList(container)) return container.some((candidate) => dataEquals(candidate, item));
  if (isDataObject(container)) return Object.hasOwn(container, toText(item));
  return typeof container === 'string' && container.includes(toText(item));
}

export function applyBinary(
  operator: BinaryOperator,
  left: ExpressionValue,
  right: ExpressionValue,
): ExpressionValue {
  switch (operator) {
    case '||':
      return concatenate(left, right);
    case '==':
      return dataEquals(left, right);
    case '!=':
      return !dataEquals(left, right);
    case '<':
      return compare(operator, left, right) < 0;
    case '<=':
      return compare(operator, left, right) <= 0;
    case '>':
      return compare(operator, left, right) > 0;
    case '>=':
      return compare(operator, left, right) >= 0;
    case 'in':
      return includes(left, right);
    default:
      return finite(operator, arithmetic(operator, operand(operator, left), operand(operator, right)));
  }
}

export function applyUnary(operator: UnaryOperator, value: ExpressionValue): ExpressionValue {
  if (operator === 'not') return !isTruthy(value);
  const number = operand(`unary ${operator}`, value);
  return operator === '-' ? -number + 0 : number;
}
