import * as z from 'zod';
import {
  blockId,
  type BlockPort,
  branchPorts,
  connectedPorts,
  defineBlock,
  newBranch,
  scalar,
  typeOfValue,
  union,
  type ValueType,
  variableName,
} from '../engine/block-api/index.js';

const schema = z.strictObject({
  type: z.literal('random'),
  branches: z
    .array(
      z.strictObject({
        weight: z.number().positive().max(1_000_000),
        next: blockId,
        value: scalar.optional(),
      }),
    )
    .min(2)
    .max(50),
  save: variableName.optional(),
});

export type RandomBlock = z.output<typeof schema>;

/** The weight a branch is written with when the designer adds one. */
const NEW_BRANCH = { weight: 50 };

function ports(block: RandomBlock): BlockPort[] {
  const total = totalWeight(block.branches);
  // Two branches stay: a random block needs them.
  return branchPorts(block.branches, 2, (branch) => shareLabel((branch.weight / total) * 100));
}

/**
 * Goes down one of its branches at random, each as often as its weight says: an A/B split. A
 * conversation always takes the same branch here (the draw is seeded by the script's name, the
 * conversation's key and the block's id), so a redelivery or a QA replay goes the same way; a QA case forces a branch with
 * `draws`. With `save`, the branch's `value` (or, without one, its `next`) is kept for reports.
 *
 * ```yaml
 * offer-split:
 *   type: random
 *   save: offer
 *   branches:
 *     - { weight: 70, next: offer-discount, value: discount }
 *     - { weight: 30, next: offer-gift, value: gift }
 * ```
 */
export const randomBlock = defineBlock({
  type: 'random',
  description:
    'Goes down one of its branches at random, by weight (an A/B split); a conversation always takes the same one.',
  schema,
  shape: 'decide',
  pauses: false,
  skeleton: { type: 'random', branches: [NEW_BRANCH, NEW_BRANCH] },
  edges: (block) => connectedPorts(ports(block)),
  ports,
  adds: ['branch'],
  newWay: (block) => newBranch(block.branches, NEW_BRANCH),
  sources: () => [],
  writes: (block) =>
    block.save === undefined
      ? []
      : [
          {
            name: block.save,
            path: ['save'],
            value: {
              type: block.branches.reduce<ValueType>(
                (type, branch) => union(type, typeOfValue(branch.value ?? branch.next)),
                [],
              ),
            },
            how: 'saves the branch drawn',
          },
        ],
  compile: (block) => {
    const total = totalWeight(block.branches);
    const last = block.branches.length - 1;
    return {
      enter: (step) => {
        // Each branch owns a part of [0, total) as long as its weight, in the order written.
        let point = step.draw() * total;
        for (const [i, branch] of block.branches.entries()) {
          point -= branch.weight;
          // The last branch also takes a point that rounding left at the very end.
          if (point < 0 || i === last) {
            if (block.save !== undefined) step.set(block.save, branch.value ?? branch.next);
            step.go(branch.next, ['branches', i, 'next']);
            return;
          }
        }
      },
    };
  },
});

/** A branch's share as the graph labels it: one decimal, and never 0% for a branch that can be taken. */
function shareLabel(percent: number): string {
  return percent < 0.1 ? '<0.1%' : `${Number(percent.toFixed(1))}%`;
}

function totalWeight(branches: readonly { weight: number }[]): number {
  return branches.reduce((total, branch) => total + branch.weight, 0);
}
