import * as z from 'zod';
import {
  blockId,
  type BlockPort,
  branchPorts,
  compileExpression,
  connectedPorts,
  defineBlock,
  expression,
  isTruthy,
  newBranch,
} from '../engine/block-api/index.js';

const schema = z.strictObject({
  type: z.literal('condition'),
  branches: z
    .array(z.strictObject({ if: expression, next: blockId }))
    .min(1)
    .max(50),
  else: blockId,
});

export type ConditionBlock = z.output<typeof schema>;

/** A branch's expression written when the designer adds one: true until they write theirs. */
const NEW_BRANCH = { if: 'true' };

function ports(block: ConditionBlock): BlockPort[] {
  // The last branch stays: a condition needs one.
  return [
    ...branchPorts(block.branches, 1, (branch) => branch.if),
    { path: ['else'], label: 'else', target: block.else },
  ];
}

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
  schema,
  shape: 'decide',
  pauses: false,
  skeleton: { type: 'condition', branches: [NEW_BRANCH] },
  edges: (block) => connectedPorts(ports(block)),
  ports,
  adds: ['branch'],
  newWay: (block) => newBranch(block.branches, NEW_BRANCH),
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
            const why = `"${branch.if}" could not be evaluated (${result.message})`;
            if (step.failStrictly('expression.failed', why)) return;
            step.note('warning', 'expression.failed', `${why}; taken as false`);
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
