import type {
  Completion,
  CompletionContext,
  CompletionResult,
  CompletionSource,
} from '@codemirror/autocomplete';
import type { Text } from '@codemirror/state';
import { blockIds, entriesUnder, placeAt, type Place, type Step } from './yaml-place.js';

import { alternatives, type JsonSchema } from '../json-schema.js';

/**
 * Completion from the script's JSON Schema: the keys a map may still take at the cursor (those of
 * the block's own type inside a block), a field's values (enums, `type:`'s block types, true and
 * false) and the script's block ids wherever a block id goes.
 */
export function schemaCompletion(schema: () => JsonSchema | undefined): CompletionSource {
  return (context: CompletionContext): CompletionResult | null => {
    const root = schema();
    if (!root) return null;
    const place = placeAt(context.state.doc, context.pos);
    if (!place || (place.from === context.pos && !context.explicit && place.kind === 'key')) return null;
    const options =
      place.kind === 'key'
        ? keyOptions(root, context.state.doc, place)
        : valueOptions(root, context.state.doc, place);
    return options.length === 0 ? null : { from: place.from, options, validFor: /^[\w.$-]*$/ };
  };
}

function keyOptions(root: JsonSchema, doc: Text, place: Place): Completion[] {
  const maps = schemasAt(root, doc, place.path, true);
  const options = new Map<string, Completion>();
  for (const map of maps) {
    for (const [key, field] of Object.entries(map.properties ?? {})) {
      if (place.written.has(key) || options.has(key)) continue;
      const shapes = alternatives(root, field);
      // A field that is always a map or a list goes on the lines under its key.
      const nested =
        shapes.length > 0 && shapes.every((shape) => typeOf(shape) === 'object' || typeOf(shape) === 'array');
      const listed = shapes.every((shape) => typeOf(shape) === 'array');
      const under = ' '.repeat(place.column + 2);
      options.set(key, {
        label: key,
        type: 'property',
        detail: shapes.map(typeOf).filter(Boolean).join(' | '),
        ...(field.description !== undefined && { info: field.description }),
        boost: map.required?.includes(key) ? 1 : 0,
        apply: nested ? `${key}:\n${under}${listed ? '- ' : ''}` : `${key}: `,
      });
    }
    // A map of names (a request's `on`): the names its pattern spells out.
    for (const key of namesOf(map.propertyNames?.pattern)) {
      if (!place.written.has(key) && !options.has(key))
        options.set(key, { label: key, type: 'property', apply: `${key}: ` });
    }
  }
  return [...options.values()];
}

/** The plain words of a pattern such as `^(success|error|[1-5]xx)$`: success, error. */
function namesOf(pattern: string | undefined): string[] {
  const words = /^\^\(([^()]*)\)\$$/.exec(pattern ?? '')?.[1]?.split('|') ?? [];
  return words.filter((word) => /^[a-z]+$/.test(word));
}

function valueOptions(root: JsonSchema, doc: Text, place: Place): Completion[] {
  const fields = schemasAt(root, doc, place.path, false);
  const options = new Map<string, Completion>();
  const add = (label: string, type: string, info?: string) => {
    if (!options.has(label)) options.set(label, { label, type, ...(info !== undefined && { info }) });
  };
  const blockId = root.properties?.blocks?.propertyNames?.pattern;
  for (const field of fields) {
    for (const value of field.enum ?? []) add(String(value), 'enum');
    if (typeof field.const === 'string') add(field.const, 'enum', field.description);
    if (typeOf(field) === 'boolean') for (const value of ['true', 'false']) add(value, 'keyword');
    if (blockId !== undefined && field.pattern === blockId)
      for (const id of blockIds(doc)) add(id, 'variable');
  }
  return [...options.values()];
}

/**
 * The schemas that may hold at `path`, alternatives spread out. A block is its type's schema
 * when its `type:` names one (`filterBlock`; not when completing `type:` itself).
 */
function schemasAt(root: JsonSchema, doc: Text, path: readonly Step[], filterBlock: boolean): JsonSchema[] {
  const [top, , field] = path;
  const inBlocks = top !== undefined && 'key' in top && top.key === 'blocks';
  const typeValue =
    !filterBlock && path.length === 3 && field !== undefined && 'key' in field && field.key === 'type';
  let schemas = alternatives(root, root);
  path.forEach((step, index) => {
    schemas = schemas.flatMap((schema) => alternatives(root, child(schema, step)));
    if (index === 1 && inBlocks && 'key' in step && !typeValue) {
      const type = entriesUnder(doc, step.line).get('type');
      const typed = schemas.filter((schema) => schema.properties?.type?.const === type);
      if (typed.length > 0) schemas = typed;
    }
  });
  return schemas;
}

function child(schema: JsonSchema, step: Step): JsonSchema | undefined {
  if ('item' in step) return schema.items;
  const field = schema.properties?.[step.key];
  if (field) return field;
  return typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
}

function typeOf(schema: JsonSchema): string {
  if (typeof schema.type === 'string') return schema.type;
  if (schema.type) return schema.type.join(' | ');
  if (schema.properties) return 'object';
  return '';
}
