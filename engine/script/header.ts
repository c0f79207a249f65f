import * as z from 'zod';
import { envDeclaration } from './env.js';
import { exposeDeclaration } from './expose.js';
import { blockId, scalar, variableName } from './fields.js';

/** The format versions this engine reads. */
export const FORMAT_VERSIONS = [1] as const;

/**
 * The script's top level (docs/script-language.md). `blocks` is checked block by block afterwards, each
 * against its own module's schema, so that every block's problems are reported with its type in
 * mind; the JSON Schema puts the two together.
 */
export function headerSchema<Blocks extends z.ZodType>(blocks: Blocks) {
  return z.strictObject({
    botflow: z.literal(FORMAT_VERSIONS),
    name: z.string().min(1).max(200),
    description: z.string().max(10_000).optional(),
    start: blockId.optional(),
    variables: z.record(variableName, scalar).optional(),
    env: envDeclaration.optional(),
    /** The variables the HTTP API's answers show; none by default. */
    expose: exposeDeclaration.optional(),
    on_error: blockId.optional(),
    /** Warnings are errors at load, and a failed expression fails its block at run time. */
    strict: z.boolean().optional(),
    /** `signed: required`: only a valid signed start value seeds the conversation. */
    links: z.strictObject({ signed: z.enum(['required', 'optional']).optional() }).optional(),
    blocks,
  });
}

export const header = headerSchema(z.record(z.string(), z.unknown()));
export type ScriptHeader = z.output<typeof header>;
