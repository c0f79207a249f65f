/**
 * What the load-time check knows of a value: the kinds it may have, or nothing (`unknown`: data
 * from outside the script, such as a CRM answer). A `date` is ISO text (the `now` variable), told
 * apart only so that messages can say "date". Types are never an obstacle at run time: they only
 * let `validate` catch a comparison that cannot work before a client meets it.
 */
export const KINDS = ['text', 'number', 'boolean', 'date', 'list', 'object'] as const;

export type Kind = (typeof KINDS)[number];

export type ValueType = readonly Kind[] | 'unknown';

export const UNKNOWN = 'unknown';

/** One type from kinds, in a fixed order, without repeats (so equal types compare equal). */
export function typeOf(...kinds: Kind[]): readonly Kind[] {
  return KINDS.filter((kind) => kinds.includes(kind));
}

export const TEXT = typeOf('text');
export const NUMBER = typeOf('number');
export const BOOLEAN = typeOf('boolean');
export const LIST = typeOf('list');
export const ANY = typeOf(...KINDS);

/** Either type: what a variable written in two ways may hold. Unknown absorbs everything. */
export function union(a: ValueType, b: ValueType): ValueType {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return typeOf(...a, ...b);
}

export function sameType(a: ValueType, b: ValueType): boolean {
  return (
    a === b || (a !== UNKNOWN && b !== UNKNOWN && a.length === b.length && a.every((k, i) => k === b[i]))
  );
}

/** Whether a value of type `type` may be one of `accepted` (unknown may be anything). */
export function mayBe(type: ValueType, accepted: readonly Kind[]): boolean {
  return type === UNKNOWN || type.some((kind) => accepted.includes(kind));
}

const ARTICLES: Readonly<Record<Kind, string>> = {
  text: 'text',
  number: 'a number',
  boolean: 'a boolean',
  date: 'a date',
  list: 'a list',
  object: 'an object',
};

/** "text", "a number or text": how a message names a type. */
export function describeType(type: ValueType): string {
  if (type === UNKNOWN) return 'unknown';
  const names = type.map((kind) => ARTICLES[kind]);
  return names.length <= 1
    ? (names[0] ?? 'nothing')
    : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

/** The type of a literal value from YAML or JSON (a default, a choice's value). */
export function typeOfValue(value: unknown): ValueType {
  if (typeof value === 'string') return TEXT;
  if (typeof value === 'number') return NUMBER;
  if (typeof value === 'boolean') return BOOLEAN;
  if (Array.isArray(value)) return LIST;
  if (typeof value === 'object' && value !== null) return typeOf('object');
  return UNKNOWN;
}
