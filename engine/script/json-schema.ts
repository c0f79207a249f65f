import { z } from 'zod';
import { blockDefinitions } from '../../blocks/registry.js';
import { blockId } from './fields.js';
import { headerSchema } from './header.js';

/**
 * The script format as a draft-07 JSON Schema, for editor completion and checks
 * (`# yaml-language-server: $schema=…`). Generated from the same zod schemas the loader uses,
 * so the two cannot drift; `botflow.schema.json` is this output, kept current by a test.
 */
export function scriptJsonSchema(): Record<string, unknown> {
  const blocks = Object.values(blockDefinitions).map((definition) =>
    definition.schema.describe(definition.description),
  );
  const schema = headerSchema(z.record(blockId, z.union(blocks as [z.ZodType, ...z.ZodType[]])))
    .describe('A botflow chatbot script (format version 1).')
    .meta({ title: 'botflow script' });
  return z.toJSONSchema(schema, { target: 'draft-7', io: 'input', unrepresentable: 'any' });
}
