import type { Diagnostic } from '../diagnostic.js';
import type { PayloadCode } from './error.js';
import { isIdentifier, isPrototypeKey, isSystemVariable } from '../names.js';
import type { PayloadValue, ShortKeyPayload } from './types.js';

const STRING_KEYS = ['p', 'e', 'eId'] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set([...STRING_KEYS, 'v', 'x']);

/** A payload's problem: its code says which, so encoding can throw it as a PayloadError. */
export interface PayloadDiagnostic extends Diagnostic {
  readonly code: PayloadCode;
}

export type ReadResult =
  | { readonly ok: true; readonly payload: ShortKeyPayload; readonly warnings: readonly PayloadDiagnostic[] }
  | { readonly ok: false; readonly error: PayloadDiagnostic };

function broken(code: PayloadCode, message: string): ReadResult {
  return { ok: false, error: { severity: 'error', code, message } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPayloadValue(value: unknown): value is PayloadValue {
  return typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);
}

/** The last second a Date can hold (8.64e15 ms). */
const MAX_EXPIRY = 8.64e12;

/** An expiry time: whole seconds since the epoch, from 0 to MAX_EXPIRY. */
function isExpiry(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= MAX_EXPIRY;
}

/**
 * Why a `v` entry's name cannot seed a variable, or undefined when it can. Prototype keys are
 * not here: they make the whole payload broken, never a dropped entry.
 */
export function variableNameProblem(name: string): PayloadDiagnostic | undefined {
  if (!isIdentifier(name)) {
    return {
      severity: 'warning',
      code: 'payload.bad-variable-name',
      message: `variable name "${name}" is not an identifier (letters, digits and _, not starting with a digit)`,
    };
  }
  if (isSystemVariable(name)) {
    return {
      severity: 'warning',
      code: 'payload.system-variable',
      message: `variable "${name}" is a system variable and cannot be set through "v"`,
    };
  }
  return undefined;
}

/**
 * Checks a short-key JSON value (already parsed) against docs/invitation-links.md, "The payload". A structural problem
 * (unknown key, wrong type, prototype key) rejects the whole payload; a `v` name that may not be
 * seeded only drops that entry, with a warning. The returned payload holds own data properties
 * only, so no key can reach a prototype.
 */
export function readShortKeyPayload(value: unknown): ReadResult {
  if (!isPlainObject(value)) return broken('payload.not-object', 'the payload JSON is not an object');
  const payload: Record<string, unknown> = {};
  const warnings: PayloadDiagnostic[] = [];
  for (const [key, field] of Object.entries(value)) {
    if (isPrototypeKey(key))
      return broken('payload.forbidden-key', `the payload has the forbidden key "${key}"`);
    if (!KNOWN_KEYS.has(key)) {
      return broken(
        'payload.unknown-key',
        `the payload has the unknown key "${key}" (known: p, e, eId, v, x)`,
      );
    }
    if (key === 'x') {
      if (!isExpiry(field)) {
        return broken(
          'payload.wrong-type',
          `the payload's "x" must be a whole number of seconds since 1970, not ${typeof field === 'number' ? String(field) : describe(field)}`,
        );
      }
      payload.x = field;
      continue;
    }
    if (key !== 'v') {
      if (typeof field !== 'string') {
        return broken(
          'payload.wrong-type',
          `the payload's "${key}" must be a string, not ${describe(field)}`,
        );
      }
      payload[key] = field;
      continue;
    }
    if (!isPlainObject(field)) {
      return broken('payload.wrong-type', `the payload's "v" must be an object, not ${describe(field)}`);
    }
    const variables: [string, PayloadValue][] = [];
    for (const [name, variable] of Object.entries(field)) {
      if (isPrototypeKey(name)) {
        return broken('payload.forbidden-key', `the payload's "v" has the forbidden key "${name}"`);
      }
      if (!isPayloadValue(variable)) {
        return broken(
          'payload.wrong-type',
          `the payload's variable "${name}" must be a string, number or boolean, not ${describe(variable)}`,
        );
      }
      const problem = variableNameProblem(name);
      if (problem) warnings.push(problem);
      else variables.push([name, variable]);
    }
    payload.v = Object.fromEntries(variables);
  }
  return { ok: true, payload: payload, warnings };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a non-finite number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
