import { z } from 'zod';
import { blockId, compileTemplate, defineBlock, template } from '../engine/block-api/index.js';

/**
 * Sends a message, then goes on at once. Without `next` the conversation ends after it.
 *
 * ```yaml
 * greet:
 *   type: message
 *   text: "Hello, {{ firstName }}!"
 *   buttons: ["Track my order", "Talk to a person"]
 *   next: ask-topic
 * ```
 */
export const messageBlock = defineBlock({
  type: 'message',
  description: 'Sends a message (with optional buttons), then goes on at once.',
  schema: z.strictObject({
    type: z.literal('message'),
    text: template,
    buttons: z.array(template).min(1).max(20).optional(),
    next: blockId.optional(),
  }),
  shape: 'say',
  pauses: false,
  edges: (block) => (block.next === undefined ? [] : [{ target: block.next, path: ['next'] }]),
  sources: (block) => [
    { kind: 'template', text: block.text, path: ['text'] },
    ...(block.buttons ?? []).map((text, i) => ({ kind: 'template' as const, text, path: ['buttons', i] })),
  ],
  writes: () => [],
  compile: (block) => {
    const text = compileTemplate(block.text);
    const buttons = block.buttons?.map(compileTemplate);
    return {
      enter: (step) => {
        step.say(
          step.render(text),
          buttons?.map((button) => step.render(button)),
        );
        step.goNext(block.next);
      },
    };
  },
});

export type MessageBlock = z.output<typeof messageBlock.schema>;
