import * as z from 'zod';
import {
  blockId,
  type BlockPort,
  compileTemplate,
  connectedPorts,
  defineBlock,
  template,
} from '../engine/block-api/index.js';

const schema = z.strictObject({
  type: z.literal('message'),
  text: template,
  buttons: z.array(template).min(1).max(20).optional(),
  next: blockId.optional(),
});

export type MessageBlock = z.output<typeof schema>;

function ports(block: MessageBlock): BlockPort[] {
  return [{ path: ['next'], label: '', target: block.next }];
}

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
  schema,
  shape: 'say',
  pauses: false,
  skeleton: { type: 'message', text: '' },
  edges: (block) => connectedPorts(ports(block)),
  ports,
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
