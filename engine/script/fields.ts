import * as z from 'zod';
import { isPrototypeKey } from '../names.js';
import { parseDuration } from './duration.js';

/** Zod pieces the block modules share, each with the message a designer reads. */

export const BLOCK_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

export const blockId = z
  .string()
  .max(64)
  .regex(BLOCK_ID, { error: 'a block id starts with a letter, then letters, digits, _ or -' });

export const variableName = z
  .string()
  .max(64)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    error: 'a variable name is letters, digits and _, not starting with a digit',
  })
  .refine((name) => !isPrototypeKey(name), { error: 'it is reserved' });

/** Text with `{{ expression }}` placeholders; parsed when the script loads. */
export const template = z.string().max(4096);

/** An expression (docs/expressions.md); parsed when the script loads. */
export const expression = z.string().min(1).max(1000);

export const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A duration: milliseconds, or a number with a unit (`300ms`, `5s`, `2m`), at most `maxMs`. */
export function duration(maxMs: number) {
  return z
    .union([
      z.number().min(0),
      z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h)$/, { error: 'write 300ms, 5s or 2m' }),
    ])
    .transform((value, context) => {
      const ms = parseDuration(value) ?? Number.NaN;
      if (!(ms <= maxMs)) context.addIssue({ code: 'custom', message: `at most ${maxMs / 1000}s` });
      return ms;
    });
}
