import * as z from 'zod';
import { compileTemplate, defineBlock, template } from '../engine/block-api/index.js';

/**
 * Sends an optional last message and ends the conversation with an optional result, which hosts
 * and QA cases read (`ok`, `unknown`, `error`, …).
 *
 * ```yaml
 * crm-down:
 *   type: end
 *   text: "Sorry, try later."
 *   result: error
 * ```
 */
export const endBlock = defineBlock({
  type: 'end',
  description: 'Sends an optional last message, then ends the conversation with an optional result.',
  schema: z.strictObject({
    type: z.literal('end'),
    text: template.optional(),
    result: z.string().max(64).optional(),
  }),
  shape: 'stop',
  pauses: false,
  skeleton: { type: 'end' },
  edges: () => [],
  ports: () => [],
  sources: (block) =>
    block.text === undefined ? [] : [{ kind: 'template', text: block.text, path: ['text'] }],
  writes: () => [],
  compile: (block) => {
    const text = block.text === undefined ? undefined : compileTemplate(block.text);
    return {
      final: true,
      enter: (step) => {
        if (text) step.say(step.render(text));
        step.finish(block.result ?? null);
      },
    };
  },
});

export type EndBlock = z.output<typeof endBlock.schema>;
