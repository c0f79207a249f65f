import { z } from 'zod';
import { blockId, compileExpression, defineBlock, expression, isTruthy } from '../engine/block-api/index.js';

/**
 * Goes to the first branch whose expression is true, else to `else` (required).
 *
 * ```yaml
 * has-order:
 *   type: condition
 *   branches:
 *     - if: "product != ''"
 *       next: show
 *     - if: "age >= 18 and city == 'Moscow'"
 *       next: adult-moscow
 *   else: ask-email
 * ```
 */
export const conditionBlock = defineBlock({
  type: 'condition',
  description: 'Goes to the first branch whose expression is true, else to `else`.',
  schema: z.strictObject({
    type: z.literal('condition'),
    branches: z
      .array(z.strictObject({ if: expression, next: blockId }))
      .min(1)
      .max(50),
    else: blockId,
  }),
  shape: 'decide',
  pauses: false,
  edges: (block) => [
    ...block.branches.map((branch, i) => ({
      target: branch.next,
      label: branch.if,
      path: ['branches', i, 'next'],
    })),
    { target: block.else, label: 'else', path: ['else'] },
  ],
  sources: (block) =>
    block.branches.map((branch, i) => ({
      kind: 'expression' as const,
      text: branch.if,
      path: ['branches', i, 'if'],
    })),
  writes: () => [],
  compile: (block) => {
    const branches = block.branches.map((branch) => ({ ...branch, test: compileExpression(branch.if) }));
    return {
      enter: (step) => {
        for (const [i, branch] of branches.entries()) {
          const result = step.evaluate(branch.test);
          if (!result.ok) {
            step.note(
              'warning',
              'expression.failed',
              `"${branch.if}" could not be evaluated (${result.message}); taken as false`,
            );
          } else if (isTruthy(result.value)) {
            step.go(branch.next, ['branches', i, 'next']);
            return;
          }
        }
        step.go(block.else, ['else']);
      },
    };
  },
});

export type ConditionBlock = z.output<typeof conditionBlock.schema>;
