import { z } from 'zod';
import { compileSafePattern } from '../engine/safe-regex.js';
import { blockId, scalar, template, variableName } from '../engine/script/fields.js';
import { defineBlock, type BlockIssue, type Edge } from './types.js';

export const EXPECT_KINDS = ['text', 'number', 'integer', 'email', 'phone', 'choice'] as const;

/**
 * Sends `text`, waits for the reply, checks it against `expect` and saves the typed value in
 * `save`. A bad reply gets `invalid` and another try, `retries` times; the next bad reply goes to
 * `on.invalid`, or ends the conversation with status `error`. With `choices` (which imply
 * `expect: choice`) the choices are shown as buttons; a reply matches a label or a value,
 * case-insensitively, and a choice's own `next` wins over the block's.
 *
 * ```yaml
 * ask-email:
 *   type: ask
 *   text: "What is your email?"
 *   save: email
 *   expect: email
 *   retries: 2
 *   invalid: "That does not look like an email, try again."
 *   next: done
 *   on: { invalid: give-up }
 * pick-size:
 *   type: ask
 *   text: "Which size?"
 *   save: size
 *   choices:
 *     - { label: Small, value: S }
 *     - { label: Large, value: L, next: upsell }
 *   next: confirm
 * ```
 */
export const askBlock = defineBlock({
  type: 'ask',
  description: 'Sends a question, waits for the reply, validates it and saves it in a variable.',
  schema: z.strictObject({
    type: z.literal('ask'),
    text: template,
    save: variableName,
    expect: z.union([z.enum(EXPECT_KINDS), z.strictObject({ pattern: z.string().min(1) })]).optional(),
    choices: z
      .array(z.strictObject({ label: template.min(1), value: scalar.optional(), next: blockId.optional() }))
      .min(1)
      .max(20)
      .optional(),
    retries: z.number().int().min(0).max(10).default(2),
    invalid: template.optional(),
    next: blockId.optional(),
    on: z.strictObject({ invalid: blockId.optional() }).optional(),
  }),
  pauses: true,
  edges: (block) => {
    const edges: Edge[] = (block.choices ?? []).flatMap((choice, i) =>
      choice.next === undefined
        ? []
        : [{ target: choice.next, label: choice.label, path: ['choices', i, 'next'] }],
    );
    if (block.next !== undefined) edges.push({ target: block.next, path: ['next'] });
    if (block.on?.invalid !== undefined)
      edges.push({ target: block.on.invalid, label: 'invalid', path: ['on', 'invalid'] });
    return edges;
  },
  sources: (block) => [
    { kind: 'template', text: block.text, path: ['text'] },
    ...(block.invalid === undefined
      ? []
      : [{ kind: 'template' as const, text: block.invalid, path: ['invalid'] }]),
    ...(block.choices ?? []).map((choice, i) => ({
      kind: 'template' as const,
      text: choice.label,
      path: ['choices', i, 'label'],
    })),
  ],
  writes: (block) => [block.save],
  check: (block) => {
    const issues: BlockIssue[] = [];
    const { expect } = block;
    if (block.choices !== undefined && expect !== undefined && expect !== 'choice') {
      issues.push({
        path: ['expect'],
        message: 'choices need expect: choice',
        hint: 'remove expect, or the choices',
      });
    }
    if (expect === 'choice' && block.choices === undefined) {
      issues.push({
        path: ['expect'],
        message: 'expect: choice needs a list of choices',
        hint: 'add choices: [{ label: … }]',
      });
    }
    if (typeof expect === 'object') {
      const compiled = compileSafePattern(expect.pattern);
      if (typeof compiled === 'string')
        issues.push({ path: ['expect', 'pattern'], message: `the pattern is refused: ${compiled}` });
    }
    return issues;
  },
});

export type AskBlock = z.output<typeof askBlock.schema>;
