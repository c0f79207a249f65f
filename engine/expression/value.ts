import { isPrototypeKey } from '../names.js';
import { EvaluationError } from './error.js';
import { MAX_DATA_DEPTH } from './limits.js';

/**
 * Everything an expression can compute or read: JSON-like data. A missing value is the empty
 * text `''` (docs/expressions.md, "Values"), so there is no `undefined`; JSON `null` stays `null`.
 */
export type ExpressionValue = string | number | boolean | null | readonly ExpressionValue[] | DataObject;

export interface DataObject {
  readonly [key: string]: ExpressionValue;
}

export function isList(value: ExpressionValue): value is readonly ExpressionValue[] {
  return Array.isArray(value);
}

export function isDataObject(value: ExpressionValue): value is DataObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain data objects only: from JSON, object literals or `Object.create(null)`. */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * The value of an own, enumerable data property, or undefined. Getters are never run and
 * inherited properties never seen, so no host code runs and no prototype is reachable.
 */
export function ownDataProperty(holder: object, key: string): unknown {
  if (isPrototypeKey(key)) return undefined;
  const descriptor = Object.getOwnPropertyDescriptor(holder, key);
  return descriptor?.enumerable === true && 'value' in descriptor ? descriptor.value : undefined;
}

/**
 * A copy of a host value as expression data. Functions, class instances, symbols and the like
 * read as missing (`''`), a Date as its ISO text; lists and plain objects are copied through their
 * own data properties, so what an expression returns never shares structure with the scope.
 */
export function toData(raw: unknown): ExpressionValue {
  return copyData(raw, UNBOUNDED);
}

/** How much of a host value `toBoundedData` copies: nesting depth, and list items plus object members. */
export interface DataLimits {
  readonly maxDepth: number;
  readonly maxValues: number;
}

/**
 * `toData` for data from outside (a CRM answer), never throwing: the copy, or why it is refused —
 * `reason` completes "the data …" (`is nested more than 100 levels deep`).
 */
export function toBoundedData(
  raw: unknown,
  limits: DataLimits,
): { ok: true; value: ExpressionValue } | { ok: false; reason: string } {
  try {
    return { ok: true, value: copyData(raw, { ...limits, valuesLeft: limits.maxValues }) };
  } catch (error) {
    if (error instanceof DataLimitError) return { ok: false, reason: error.reason };
    throw error;
  }
}

/** A copy that went past a DataLimits bound; `reason` completes "the data …". */
class DataLimitError extends EvaluationError {
  constructor(readonly reason: string) {
    super(`the data ${reason}`);
  }
}

interface CopyBudget extends DataLimits {
  /** List items and object members still allowed; every one copied takes one. */
  valuesLeft: number;
}

/**
 * `toData`'s budget, shared by every call since it is on every expression's path: spending from
 * an infinite count leaves it infinite, so sharing it changes nothing.
 */
const UNBOUNDED: CopyBudget = {
  maxDepth: MAX_DATA_DEPTH,
  maxValues: Number.POSITIVE_INFINITY,
  valuesLeft: Number.POSITIVE_INFINITY,
};

function spend(budget: CopyBudget, count: number): void {
  budget.valuesLeft -= count;
  if (budget.valuesLeft < 0)
    throw new DataLimitError(`holds more than ${budget.maxValues} values (list items and object members)`);
}

function copyData(raw: unknown, budget: CopyBudget): ExpressionValue {
  const data = dataOf(raw, 0, budget);
  return data === undefined ? '' : data; // not `??`: JSON null is data, not missing
}

/** Like JSON: inside an object a value that is not data is left out, inside a list it is null. */
function dataOf(raw: unknown, depth: number, budget: CopyBudget): ExpressionValue | undefined {
  switch (typeof raw) {
    case 'string':
    case 'boolean':
      return raw;
    case 'number':
      return Number.isFinite(raw) ? raw + 0 : undefined; // `+ 0` turns -0 into 0
    case 'object':
      break;
    default:
      return undefined;
  }
  if (raw === null) return null;
  if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? raw.toISOString() : undefined;
  if (depth >= budget.maxDepth) {
    throw new DataLimitError(`is nested more than ${budget.maxDepth} levels deep`);
  }
  if (Array.isArray(raw)) {
    spend(budget, raw.length);
    const list: ExpressionValue[] = [];
    for (let index = 0; index < raw.length; index++) {
      list.push(dataOf(ownDataProperty(raw, String(index)), depth + 1, budget) ?? null);
    }
    return list;
  }
  if (!isPlainObject(raw)) return undefined;
  const keys = Object.keys(raw);
  spend(budget, keys.length);
  const entries: [string, ExpressionValue][] = [];
  for (const key of keys) {
    const item = dataOf(ownDataProperty(raw, key), depth + 1, budget);
    if (item !== undefined) entries.push([key, item]);
  }
  return Object.fromEntries(entries);
}

/** Empty: missing (`''`), text of only white space, `null`, an empty list or object. */
export function isEmptyValue(value: ExpressionValue): boolean {
  if (typeof value === 'string') return value.trim() === '';
  if (value === null) return true;
  if (isList(value)) return value.length === 0;
  if (isDataObject(value)) return Object.keys(value).length === 0;
  return false;
}

/** What `if`, `and`, `or`, `not` and `?:` test: false, 0 and empty values are false. */
export function isTruthy(value: ExpressionValue): boolean {
  return value !== false && value !== 0 && !isEmptyValue(value);
}

/** The text form of a value: missing and null are `''`, lists and objects JSON. */
export function toText(value: ExpressionValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Structural equality of data, without conversions: `1 == "1"` is false. */
export function dataEquals(a: ExpressionValue, b: ExpressionValue): boolean {
  if (a === b) return true;
  if (isList(a))
    return isList(b) && a.length === b.length && a.every((item, i) => dataEquals(item, b[i] ?? null));
  if (!isDataObject(a) || !isDataObject(b)) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && dataEquals(a[key] ?? null, b[key] ?? null))
  );
}

/** A short description of a value for error messages. */
export function describeValue(value: ExpressionValue): string {
  if (typeof value === 'string') {
    if (value === '') return 'empty text';
    return `the text ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}`;
  }
  if (value === null) return 'null';
  if (isList(value)) return 'a list';
  if (isDataObject(value)) return 'an object';
  return `${typeof value === 'number' ? 'the number' : 'the boolean'} ${String(value)}`;
}
