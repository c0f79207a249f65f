import { alternatives, type JsonSchema } from '../json-schema.js';

/** A block id, as the schema writes its pattern: a field of this shape is a way out, not a form field. */
const BLOCK_ID_PATTERN = '^[A-Za-z][A-Za-z0-9_-]*$';
/** An expression, as the engine's schema writes one (1 to 1,000 characters); a template is up to 4,096. */
const EXPRESSION_LENGTH = 1000;
const TEMPLATE_LENGTH = 4096;

/**
 * How the form shows one field of a block, read from the field's schema: the form knows no block
 * type, so a new type gets a form as soon as its schema exists.
 */
export type Field =
  | { readonly kind: 'text' | 'expression' | 'line'; readonly required: boolean }
  /** Text, a number or true/false (a choice's or a branch's `value`). */
  | { readonly kind: 'scalar'; readonly required: boolean }
  | {
      readonly kind: 'number';
      readonly integer: boolean;
      readonly min?: number;
      readonly max?: number;
      readonly required: boolean;
    }
  | { readonly kind: 'duration'; readonly required: boolean }
  | {
      readonly kind: 'enum';
      readonly values: readonly string[];
      readonly fallback: string | undefined;
      readonly required: boolean;
    }
  /** A named value, or an object of one text field (an ask's `expect`: `email`, or `{ pattern }`). */
  | {
      readonly kind: 'enum-or-object';
      readonly values: readonly string[];
      readonly key: string;
      readonly required: boolean;
    }
  | { readonly kind: 'list'; readonly item: Field; readonly required: boolean }
  /** A list whose items are ways out (branches, choices): items are added and removed as ways. */
  | { readonly kind: 'ways'; readonly fields: readonly Named[]; readonly required: boolean }
  | { readonly kind: 'map'; readonly value: Field; readonly required: boolean }
  | { readonly kind: 'group'; readonly fields: readonly Named[]; readonly required: boolean }
  /** One object or a list of them (a BPL's `split`): one is a group of fields, a list is edited as JSON. */
  | { readonly kind: 'one-or-list'; readonly fields: readonly Named[]; readonly required: boolean }
  /** Anything else (a request's body, a BPL split): edited as JSON, which is YAML too. */
  | { readonly kind: 'json'; readonly required: boolean };

export interface Named {
  readonly name: string;
  readonly field: Field;
}

/** The schema of a block type: the one of a block's shapes whose `type` is that constant. */
export function blockSchema(root: JsonSchema, type: string): JsonSchema | undefined {
  const blocks = root.properties?.blocks?.additionalProperties;
  if (typeof blocks !== 'object') return undefined;
  return alternatives(root, blocks).find((shape) => shape.properties?.type?.const === type);
}

/** The block's fields in the schema's order, `type` and the ways out left out. */
export function blockFields(root: JsonSchema, block: JsonSchema): Named[] {
  return fieldsOf(root, block).filter((named) => named.name !== 'type');
}

/** The script's own fields, in the schema's order: its version and its blocks left out (entries are ways out). */
export function scriptFields(root: JsonSchema): Named[] {
  return fieldsOf(root, root).filter((named) => named.name !== 'botflow' && named.name !== 'blocks');
}

function fieldsOf(root: JsonSchema, object: JsonSchema): Named[] {
  const required = new Set(object.required ?? []);
  return Object.entries(object.properties ?? {}).flatMap(([name, schema]) => {
    const field = fieldOf(root, schema, required.has(name));
    return field ? [{ name, field }] : [];
  });
}

/** What the form shows for a schema; undefined for a way out (or a group of ways only). */
function fieldOf(root: JsonSchema, schema: JsonSchema, required: boolean): Field | undefined {
  const shapes = alternatives(root, schema);
  const [only] = shapes;
  if (shapes.length === 1 && only) return single(root, only, required);
  const strings = shapes.filter((shape) => typeOf(shape) === 'string');
  const numbers = shapes.filter((shape) => typeOf(shape) === 'number' || typeOf(shape) === 'integer');
  const objects = shapes.filter((shape) => typeOf(shape) === 'object');
  if (
    shapes.length === 2 &&
    numbers.length === 1 &&
    strings.length === 1 &&
    strings[0]?.pattern !== undefined
  ) {
    return { kind: 'duration', required };
  }
  const [one, many] = shapes;
  if (shapes.length === 2 && one?.properties && typeOf(one) === 'object' && isListOf(root, many, one)) {
    return { kind: 'one-or-list', fields: fieldsOf(root, one), required };
  }
  const named = strings.find((shape) => shape.enum !== undefined);
  const [object] = objects;
  const objectKeys = Object.keys(object?.properties ?? {});
  const [key] = objectKeys;
  if (shapes.length === 2 && named && object && objectKeys.length === 1 && key !== undefined) {
    return { kind: 'enum-or-object', values: (named.enum ?? []).map(String), key, required };
  }
  return { kind: 'json', required };
}

function single(root: JsonSchema, schema: JsonSchema, required: boolean): Field | undefined {
  switch (typeOf(schema)) {
    case 'string':
      if (schema.pattern === BLOCK_ID_PATTERN) return undefined;
      if (schema.enum) {
        const fallback = typeof schema.default === 'string' ? schema.default : undefined;
        return { kind: 'enum', values: schema.enum.map(String), fallback, required };
      }
      if (schema.minLength === 1 && schema.maxLength === EXPRESSION_LENGTH)
        return { kind: 'expression', required };
      return { kind: (schema.maxLength ?? 0) >= TEMPLATE_LENGTH ? 'text' : 'line', required };
    case 'number':
    case 'integer':
      return {
        kind: 'number',
        integer: typeOf(schema) === 'integer',
        ...(schema.minimum !== undefined && { min: schema.minimum }),
        ...(schema.maximum !== undefined && { max: schema.maximum }),
        required,
      };
    case 'array': {
      const items = schema.items && alternatives(root, schema.items);
      const [item] = items ?? [];
      if (items?.length !== 1 || !item) return { kind: 'json', required };
      if (typeOf(item) === 'object' && item.properties) {
        const all = fieldsOf(root, item);
        const hasWay = Object.keys(item.properties).length > all.length;
        // Items that lead somewhere are ways out (added and removed as such); others are plain rows.
        return hasWay ? { kind: 'ways', fields: all, required } : { kind: 'json', required };
      }
      const field = single(root, item, true);
      return field && field.kind !== 'json'
        ? { kind: 'list', item: field, required }
        : { kind: 'json', required };
    }
    case 'object': {
      if (schema.properties) {
        const fields = fieldsOf(root, schema);
        return fields.length === 0 ? undefined : { kind: 'group', fields, required };
      }
      const values =
        typeof schema.additionalProperties === 'object'
          ? alternatives(root, schema.additionalProperties)
          : [];
      const [value] = values;
      if (values.length !== 1 || !value) return { kind: 'json', required };
      const field = single(root, value, true);
      // A map of ways out (a request's outcomes) is drawn as ports, not in the form.
      if (!field) return undefined;
      return field.kind === 'json' ? { kind: 'json', required } : { kind: 'map', value: field, required };
    }
    case 'scalar':
      return { kind: 'scalar', required };
    default:
      return { kind: 'json', required };
  }
}

/** `list` is an array whose items have exactly the shape `item`. */
function isListOf(root: JsonSchema, list: JsonSchema | undefined, item: JsonSchema): boolean {
  const items = list?.items && typeOf(list) === 'array' ? alternatives(root, list.items) : [];
  return items.length === 1 && JSON.stringify(items[0]) === JSON.stringify(item);
}

const SCALARS = new Set(['string', 'number', 'boolean']);

function typeOf(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type) && schema.type.every((type: string) => SCALARS.has(type))) return 'scalar';
  return Array.isArray(schema.type) ? undefined : (schema.type as string | undefined);
}
