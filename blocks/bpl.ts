import * as z from 'zod';
import {
  blockId,
  type BlockPort,
  type CodeInfo,
  compileExpression,
  connectedPorts,
  defineBlock,
  expression,
  type BlockStep,
  TEXT,
  toText,
  variableName,
  type YamlPath,
} from '../engine/block-api/index.js';

/** The bpl block's own codes; docs/errors.md lists them with the engine's. */
const BPL_CODES = {
  'block.bpl': {
    from: 'load',
    severity: 'error',
    meaning: 'A BPL block has neither `split` nor `set`, so it does nothing.',
    fix: 'Add `split` or `set`, or remove the block.',
  },
  'bpl.failed': {
    from: 'turn',
    severity: 'error',
    meaning:
      'A BPL `set` expression could not be evaluated; the block changed nothing and took `on.error`, `on_error`, or ended the conversation.',
    fix: 'Guard the expression against the values it may meet, or route `on.error`.',
  },
  'bpl.too-many-parts': {
    from: 'turn',
    severity: 'error',
    meaning: 'A BPL `split` with `rest: error` cut the text into more parts than `into` has names.',
    fix: 'Add names, or use `rest: join` or `rest: last`.',
  },
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** The codes only the bpl block reports. */
export type BplCode = keyof typeof BPL_CODES;

declare module '../engine/block-api/index.js' {
  interface BlockCodes extends Record<BplCode, true> {}
}

const split = z.strictObject({
  from: variableName,
  /** The separator; without it, runs of white space. */
  by: z.string().min(1).max(16).optional(),
  into: z.array(variableName).min(1).max(20),
  /** More parts than names: `join` the rest into the last name, `drop` it, or take `on.error`. */
  rest: z.enum(['join', 'drop', 'error']).default('join'),
});

const schema = z.strictObject({
  type: z.literal('bpl'),
  split: z.union([split, z.array(split).min(1).max(20)]).optional(),
  set: z.record(variableName, expression).optional(),
  next: blockId.optional(),
  on: z.strictObject({ error: blockId.optional() }).optional(),
});

export type BplBlock = z.output<typeof schema>;
export type BplSplit = z.output<typeof split>;

function ports(block: BplBlock): BlockPort[] {
  return [
    { path: ['next'], label: '', target: block.next },
    { path: ['on', 'error'], label: 'error', target: block.on?.error },
  ];
}

/** The block's splits as a list, whether it wrote one or several. */
export function splits(value: BplBlock['split']): BplSplit[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Computes variables: `split` cuts a packed value (one or a list of splits), then `set` assigns
 * expressions in order. Missing parts become empty text. `on.error` takes a `rest: error` split
 * with too many parts, or an expression that fails.
 *
 * ```yaml
 * unpack:
 *   type: bpl
 *   split: { from: cl_data, by: " ", into: [firstName, lastName, age] }
 *   set:
 *     age: "toNumber(age)"
 *     fullName: "firstName || ' ' || lastName"
 *   next: greet
 * ```
 */
export const bplBlock = defineBlock({
  type: 'bpl',
  description: 'Splits packed values and computes variables with expressions.',
  schema,
  shape: 'compute',
  codes: BPL_CODES,
  pauses: false,
  // `set: {}` passes the check that a bpl block does something, and shows where assignments go.
  skeleton: { type: 'bpl', set: {} },
  edges: (block) => connectedPorts(ports(block)),
  ports,
  sources: (block) => [
    // A split's `from` is a variable read, which a bare-name expression describes exactly.
    ...splits(block.split).map((s, i) => ({
      kind: 'expression' as const,
      text: s.from,
      path: Array.isArray(block.split) ? ['split', i, 'from'] : ['split', 'from'],
    })),
    ...Object.entries(block.set ?? {}).map(([name, text]) => ({
      kind: 'expression' as const,
      text,
      path: ['set', name],
    })),
  ],
  writes: (block) => [
    ...splits(block.split).flatMap((s, i) =>
      s.into.map((name, j) => ({
        name,
        path: [...(Array.isArray(block.split) ? ['split', i] : ['split']), 'into', j],
        value: { type: TEXT },
        how: `a part split from ${s.from}`,
      })),
    ),
    ...Object.entries(block.set ?? {}).map(([name, text]) => ({
      name,
      path: ['set', name],
      value: { expression: text },
      how: `set to ${text}`,
    })),
  ],
  check: (block) =>
    block.split === undefined && block.set === undefined
      ? [
          {
            code: 'block.bpl',
            path: [],
            message: 'a bpl block needs split or set',
            hint: 'add split: { from, into } or set: { name: expression }',
          },
        ]
      : [],
  compile: (block, tools) => {
    const failTo = block.on?.error ?? tools.onError;
    const failEdge = block.on?.error === undefined ? undefined : ['on', 'error'];
    const assignments = Object.entries(block.set ?? {}).map(([name, source]) => ({
      name,
      source,
      value: compileExpression(source),
    }));
    return {
      enter: (step) => {
        // All or nothing: a block that fails leaves no half-computed variables behind.
        const undo = step.savepoint();
        for (const split of splits(block.split)) {
          if (!applySplit(step, split, failTo, failEdge)) {
            undo();
            return;
          }
        }
        for (const { name, source, value } of assignments) {
          const result = step.evaluate(value);
          if (!result.ok) {
            undo();
            step.fail(
              'bpl.failed',
              `set ${name}: "${source}" could not be evaluated (${result.message})`,
              failTo,
              failEdge,
            );
            return;
          }
          step.set(name, result.value);
        }
        step.goNext(block.next);
      },
    };
  },
});

/** Cuts the text of `from` into `into` (docs/script-language.md, "bpl"); false when `rest: error` applies. */
function applySplit(
  step: BlockStep,
  split: BplSplit,
  failTo: string,
  failEdge: YamlPath | undefined,
): boolean {
  const text = toText(step.get(split.from));
  const parts = cut(text, split.by);
  const names = split.into;
  if (parts.length > names.length) {
    if (split.rest === 'error') {
      step.fail(
        'bpl.too-many-parts',
        `"${split.from}" has ${parts.length} parts for ${names.length} names`,
        failTo,
        failEdge,
      );
      return false;
    }
    const kept = parts.slice(0, names.length - 1);
    const rest =
      split.rest === 'join' ? parts.slice(names.length - 1).join(split.by ?? ' ') : parts[names.length - 1];
    parts.splice(0, parts.length, ...kept, rest ?? '');
  }
  names.forEach((name, i) => {
    step.set(name, parts[i] ?? '');
  });
  return true;
}

/** By the separator, or by runs of white space (ignoring it at both ends) when there is none. */
function cut(text: string, by: string | undefined): string[] {
  if (by !== undefined) return text === '' ? [] : text.split(by);
  const trimmed = text.trim();
  return trimmed === '' ? [] : trimmed.split(/\s+/u);
}
