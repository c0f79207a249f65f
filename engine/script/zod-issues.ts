import type * as z from 'zod';
import type { YamlPath } from './yaml-path.js';
import type { LoadCode } from '../codes.js';
import { didYouMean } from './suggest.js';

/** A schema problem in a designer's words, still without a file position. */
export interface SchemaIssue {
  readonly path: YamlPath;
  /** Point at the key rather than the value (unknown fields). */
  readonly atKey: boolean;
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  in?: z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The field names the schema allows at `path`, looking through optionals, unions and lists. */
function fieldsAt(schema: z.ZodType, path: YamlPath): string[] {
  const def = defOf(schema);
  const inner = def.innerType ?? def.in;
  if (inner) return fieldsAt(inner, path);
  if (def.type === 'union') return (def.options ?? []).flatMap((option) => fieldsAt(option, path));
  const [head, ...rest] = path;
  if (head === undefined) return def.type === 'object' ? Object.keys(def.shape ?? {}) : [];
  if (def.type === 'object') {
    const field = def.shape?.[String(head)];
    return field ? fieldsAt(field, rest) : [];
  }
  if (def.type === 'array' && def.element) return fieldsAt(def.element, rest);
  if (def.type === 'record' && def.valueType) return fieldsAt(def.valueType, rest);
  return [];
}

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) =>
      typeof node === 'object' && node !== null && Object.hasOwn(node, key)
        ? (node as Record<PropertyKey, unknown>)[key]
        : undefined,
    value,
  );

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map of fields',
  record: 'a map',
};

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

function sizeMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  // An exclusive bound (`positive()`, `lt(1)`) leaves the amount itself out.
  const bound =
    issue.inclusive === false
      ? issue.code === 'too_small'
        ? 'more than'
        : 'less than'
      : issue.code === 'too_small'
        ? 'at least'
        : 'at most';
  const amount = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const plural = amount === '1' ? '' : 's';
  if (issue.origin === 'string' && issue.code === 'too_small' && amount === '1') return 'must not be empty';
  if (issue.origin === 'string') return `must be ${bound} ${amount} character${plural} long`;
  if (issue.origin === 'array') return `must have ${bound} ${amount} item${plural}`;
  return `must be ${bound} ${amount}`;
}

/** Turns zod's issues into messages a bot designer can act on. */
export function explainIssues(
  schema: z.ZodType,
  value: unknown,
  issues: readonly z.core.$ZodIssue[],
): SchemaIssue[] {
  return issues.flatMap((issue): SchemaIssue[] => {
    const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
    const field = path.at(-1);
    const name =
      field === undefined ? 'the script' : typeof field === 'number' ? `item ${field + 1}` : `"${field}"`;
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => {
          const hint = didYouMean(key, fieldsAt(schema, path));
          return {
            path: [...path, key],
            atKey: true,
            code: 'schema.unknown-field',
            message: `unknown field "${key}"`,
            ...(hint && { hint }),
          };
        });
      case 'invalid_type': {
        const actual = valueAt(value, path);
        if (actual === undefined) {
          return [
            { path, atKey: false, code: 'schema.missing-field', message: `missing required field ${name}` },
          ];
        }
        const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
        return [
          {
            path,
            atKey: false,
            code: 'schema.wrong-type',
            message: `${name} must be ${expected}, not ${describeValue(actual)}`,
          },
        ];
      }
      case 'invalid_value': {
        const allowed = issue.values.map((v) => String(v));
        const actual = valueAt(value, path);
        if (actual === undefined) {
          return [
            { path, atKey: false, code: 'schema.missing-field', message: `missing required field ${name}` },
          ];
        }
        const hint = typeof actual === 'string' ? didYouMean(actual, allowed) : undefined;
        const message =
          allowed.length === 1
            ? `${name} must be ${allowed[0] ?? ''}`
            : `${name} must be one of ${allowed.join(', ')}`;
        return [{ path, atKey: false, code: 'schema.invalid-value', message, ...(hint && { hint }) }];
      }
      case 'too_big':
      case 'too_small':
        return [{ path, atKey: false, code: 'schema.size', message: `${name} ${sizeMessage(issue)}` }];
      case 'invalid_union': {
        // Report the alternative that got furthest: its issues say the most about the mistake.
        // Failing at the top in every alternative, a list of allowed values says the most.
        // Equally far, an alternative that knows every field written fits better (`bot: 5` is a
        // bad bot step, not a user step missing `user`).
        const best =
          [...issue.errors].sort((a, b) => depth(b) - depth(a) || unknownFields(a) - unknownFields(b))[0] ??
          [];
        const candidates =
          depth(best) > 0
            ? best
            : issue.errors
                .flat()
                .filter((inner) => inner.code === 'invalid_value')
                .slice(0, 1);
        const explained =
          candidates.length > 0
            ? explainIssues(
                schema,
                value,
                candidates.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })),
              )
            : [];
        // A union that names its forms itself (an ask's expect: a kind, or { pattern }) says them
        // when the value fits none at the top, with the hint an alternative had (did you mean…).
        const [first] = explained;
        if (depth(best) === 0 && issue.message !== DEFAULT_UNION_MESSAGE) {
          return [
            {
              path,
              atKey: false,
              code: first?.code ?? 'schema.invalid',
              message: `${name} ${issue.message}`,
              ...(first?.hint !== undefined && { hint: first.hint }),
            },
          ];
        }
        return explained.length > 0
          ? explained
          : [
              {
                path,
                atKey: false,
                code: 'schema.invalid',
                message: `${name} has none of the allowed forms`,
              },
            ];
      }
      case 'invalid_key':
        return [
          {
            path,
            atKey: true,
            code: 'schema.invalid-key',
            message: `${name} is not a valid name: ${issue.issues[0]?.code === 'too_small' ? 'it is empty' : (issue.issues[0]?.message ?? 'invalid')}`,
          },
        ];
      default:
        return [
          { path, atKey: false, code: 'schema.invalid', message: `${name} is not valid: ${issue.message}` },
        ];
    }
  });
}

/** What zod says of a union that fits no alternative, unless the schema says better. */
const DEFAULT_UNION_MESSAGE = 'Invalid input';

function unknownFields(issues: readonly z.core.$ZodIssue[]): number {
  return issues.filter((issue) => issue.code === 'unrecognized_keys').length;
}

/** How far into the value an alternative got, looking inside nested unions. */
function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(
    0,
    ...issues.map(
      (issue) =>
        issue.path.length + (issue.code === 'invalid_union' ? Math.max(0, ...issue.errors.map(depth)) : 0),
    ),
  );
}
