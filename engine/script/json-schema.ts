import * as z from 'zod';
import { blockDefinitions } from '../../blocks/registry.js';
import { blockId } from './fields.js';
import { headerSchema } from './header.js';

type JsonSchema = z.core.JSONSchema.JSONSchema;

/**
 * The script format as a draft-07 JSON Schema, for editor completion and checks
 * (`# yaml-language-server: $schema=…`). Generated from the same zod schemas the loader uses,
 * so the two cannot drift; `botflow.schema.json` is this output, kept current by a test.
 */
export function scriptJsonSchema(): Record<string, unknown> {
  const blocks = z.union(
    Object.values(blockDefinitions).map((definition) =>
      definition.schema.describe(definition.description),
    ) as [z.ZodType, ...z.ZodType[]],
  );
  const schema = headerSchema(z.record(blockId, blocks))
    .describe('A botflow chatbot script (format version 1).')
    .meta({ title: 'botflow script' });
  return z.toJSONSchema(schema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      if (zodSchema === blocks) chooseByType(jsonSchema);
    },
  });
}

/**
 * Rewrites the union of the block types (an `anyOf`) as one `if`/`then` per type on the block's
 * `type`. Given an `anyOf`, an editor guesses which alternative a broken block meant and may
 * report another type's fields; given `if`/`then`, it checks the block against its own type only,
 * offers that type's fields, and names the known types when `type` is none of them.
 */
function chooseByType(union: JsonSchema): void {
  const shapes = (union.anyOf ?? []).map((shape) => ({ type: typeFixedBy(shape), shape }));
  delete union.anyOf;
  const types = shapes.map(({ type }) => type);
  Object.assign(union, {
    type: 'object',
    properties: {
      type: {
        type: 'string',
        enum: types,
        description: `What the block does: ${types.join(', ')}.`,
        // VS Code's keyword: what each value means, shown beside it in completion.
        enumDescriptions: shapes.map(({ shape }) => shape.description ?? ''),
      },
    },
    required: ['type'],
    allOf: shapes.map(({ type, shape }) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: shape,
    })),
  } satisfies JsonSchema);
}

/** The `type` a block type's schema fixes with its `const`. */
function typeFixedBy(shape: JsonSchema): string {
  const type = shape.properties?.type;
  if (typeof type !== 'object' || typeof type.const !== 'string')
    throw new Error(`a block type's schema fixes no type: ${JSON.stringify(shape)}`);
  return type.const;
}
