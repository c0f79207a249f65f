import * as z from 'zod';
import {
  blockId,
  type CodeInfo,
  type BlockIssue,
  type BlockPort,
  compilePattern,
  compileTemplate,
  connectedPorts,
  defineBlock,
  scalar,
  type BlockStep,
  template,
  type Choice,
  type InputKind,
  type Value,
  type ValueType,
  NUMBER,
  TEXT,
  typeOfValue,
  union,
  type YamlPath,
  variableName,
} from '../engine/block-api/index.js';

/** The ask block's own codes; docs/errors.md lists them with the engine's. */
const ASK_CODES = {
  'block.ask': {
    from: 'load',
    severity: 'error',
    meaning:
      'An ask block’s fields contradict each other (`choices` without `expect: choice`, or the reverse), or its `pattern` is refused.',
    fix: 'Follow the hint; docs/script-language.md describes the ask block.',
  },
  'ask.no-valid-reply': {
    from: 'turn',
    severity: 'error',
    meaning:
      'An ask got no valid reply within its `retries`, and has no `on.invalid`: the conversation went to `on_error` or ended.',
    fix: 'Add `on.invalid` to route it, or raise `retries`.',
  },
} as const satisfies Readonly<Record<string, CodeInfo>>;

/** The codes only the ask block reports. */
export type AskCode = keyof typeof ASK_CODES;

declare module '../engine/block-api/index.js' {
  interface BlockCodes extends Record<AskCode, true> {}
}

export const EXPECT_KINDS = ['text', 'number', 'integer', 'email', 'phone', 'choice'] as const;

const schema = z.strictObject({
  type: z.literal('ask'),
  text: template,
  save: variableName,
  expect: z
    .union([z.enum(EXPECT_KINDS), z.strictObject({ pattern: z.string().min(1) })], {
      error: `must be one of ${EXPECT_KINDS.join(', ')}, or { pattern: '…' } for a regular expression the answer must match`,
    })
    .optional(),
  choices: z
    .array(z.strictObject({ label: template.min(1), value: scalar.optional(), next: blockId.optional() }))
    .min(1)
    .max(20)
    .optional(),
  retries: z.number().int().min(0).max(10).default(2),
  invalid: template.optional(),
  next: blockId.optional(),
  on: z.strictObject({ invalid: blockId.optional() }).optional(),
});

export type AskBlock = z.output<typeof schema>;

/** What a valid reply is saved as: numbers for number and integer, a choice's value, else the text. */
function answerType(block: AskBlock): ValueType {
  if (block.expect === 'number' || block.expect === 'integer') return NUMBER;
  if (block.choices === undefined) return TEXT;
  return block.choices.reduce<ValueType>(
    (type, choice) => union(type, typeOfValue(choice.value ?? choice.label)),
    [],
  );
}

function answerHow(block: AskBlock): string {
  if (block.choices !== undefined) return 'saves the choice';
  return typeof block.expect === 'string' ? `asks with expect: ${block.expect}` : 'saves the answer';
}

function ports(block: AskBlock): BlockPort[] {
  return [
    ...(block.choices ?? []).map((choice, i) => ({
      path: ['choices', i, 'next'],
      label: choice.label,
      target: choice.next,
      way: ['choices', i],
    })),
    { path: ['next'], label: '', target: block.next },
    { path: ['on', 'invalid'], label: 'invalid', target: block.on?.invalid },
  ];
}

/**
 * Sends `text`, waits for the reply, checks it against `expect` and saves the typed value in
 * `save`. A bad reply gets `invalid` (or the question again) and another try, `retries` times;
 * the next bad reply goes to `on.invalid`, else to the script's `on_error` block, else ends the
 * conversation with status `error`. Replies are trimmed; an empty one is always bad. With `choices` (which imply
 * `expect: choice`) the choices are shown as buttons; a reply matches a value (first) or a label,
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
  schema,
  shape: 'question',
  codes: ASK_CODES,
  pauses: true,
  skeleton: { type: 'ask', text: '', save: 'answer' },
  edges: (block) => connectedPorts(ports(block)),
  ports,
  adds: ['choice'],
  newWay: (block, _kind, name) => {
    const at = block.choices?.length ?? 0;
    return {
      path: ['choices', at],
      value: { label: name ?? `Choice ${at + 1}` },
      port: ['choices', at, 'next'],
    };
  },
  // A choice picked and a re-prompt are branches of their own, whether or not they lead elsewhere.
  branches: (block) => [...(block.choices ?? []).map((_, i): YamlPath => ['choices', i]), ['invalid']],
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
  writes: (block) => [
    { name: block.save, path: ['save'], value: { type: answerType(block) }, how: answerHow(block) },
  ],
  check: (block) => {
    const issues: BlockIssue[] = [];
    const { expect } = block;
    if (block.choices !== undefined && expect !== undefined && expect !== 'choice') {
      issues.push({
        code: 'block.ask',
        path: ['expect'],
        message: 'choices need expect: choice',
        hint: 'remove expect, or the choices',
      });
    }
    if (expect === 'choice' && block.choices === undefined) {
      issues.push({
        code: 'block.ask',
        path: ['expect'],
        message: 'expect: choice needs a list of choices',
        hint: 'add choices: [{ label: … }]',
      });
    }
    if (typeof expect === 'object') {
      const compiled = compilePattern(expect.pattern);
      if (typeof compiled === 'string')
        issues.push({
          code: 'block.ask',
          path: ['expect', 'pattern'],
          message: `the pattern is refused: ${compiled}`,
        });
    }
    return issues;
  },
  compile: (block, tools) => {
    const text = compileTemplate(block.text);
    const invalid = block.invalid === undefined ? text : compileTemplate(block.invalid);
    const choices = block.choices?.map((choice) => ({ ...choice, label: compileTemplate(choice.label) }));
    const expect = block.expect ?? (choices ? 'choice' : 'text');
    const read = replyReader(expect);
    const kind: InputKind = typeof expect === 'object' ? 'pattern' : expect;
    const buttons = (step: BlockStep) => choices?.map((choice) => step.render(choice.label));
    const ask = (step: BlockStep) => {
      step.say(step.render(text), buttons(step));
    };
    // The choices as their buttons show them (one that renders empty is no button), each with
    // the value that picks it: `pickChoice` matches the value as text, or the label.
    const offered = (step: BlockStep): Choice[] | undefined =>
      choices?.flatMap((choice) => {
        const label = step.render(choice.label);
        return label.trim() === '' ? [] : [{ label, value: String(choice.value ?? label) }];
      });
    return {
      enter: ask,
      prompt: ask,
      input: (step) => {
        const offers = offered(step);
        return {
          kind,
          ...(offers && { choices: offers }),
          retriesLeft: Math.max(0, block.retries - badRepliesOf(step)),
        };
      },
      reply: (step, reply) => {
        step.set('lastMessage', reply);
        const accepted = choices ? pickChoice(step, choices, reply) : read(reply);
        if (accepted) {
          step.state = undefined;
          step.set(block.save, accepted.value);
          if (accepted.choice !== undefined) step.took(['choices', accepted.choice]);
          if (accepted.next !== undefined) step.go(accepted.next, ['choices', accepted.choice ?? 0, 'next']);
          else step.goNext(block.next);
          return;
        }
        const badReplies = badRepliesOf(step) + 1;
        step.state = badReplies;
        step.took(['invalid']);
        if (badReplies <= block.retries) {
          step.say(step.render(invalid), buttons(step));
        } else if (block.on?.invalid !== undefined) {
          step.go(block.on.invalid, ['on', 'invalid']);
        } else {
          const tries = badReplies === 1 ? '1 try' : `${badReplies} tries`;
          step.fail('ask.no-valid-reply', `no valid reply after ${tries}`, tools.onError);
        }
      },
    };
  },
});

/** The block's state is its count of bad replies so far; anything else (an edited record) is none. */
function badRepliesOf(step: BlockStep): number {
  const { state } = step;
  return typeof state === 'number' && Number.isSafeInteger(state) && state > 0 ? state : 0;
}

interface Accepted {
  readonly value: Value;
  /** The choice picked, by index, and where it leads when it has its own `next`. */
  readonly choice?: number;
  readonly next?: string | undefined;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/u;
const PHONE = /^\+?[1-9]\d{6,14}$/;
const DECIMAL_REPLY = /^[+-]?\d+(?:[.,]\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** How a reply is checked and what is saved: the typed value, trimmed text, or nothing. */
function replyReader(expect: NonNullable<AskBlock['expect']>): (reply: string) => Accepted | undefined {
  const accept = (value: Value | undefined) => (value === undefined ? undefined : { value });
  if (typeof expect === 'object') {
    const pattern = compilePattern(expect.pattern);
    if (typeof pattern === 'string') throw new Error(`unchecked pattern: ${pattern}`);
    // An empty reply is always bad, even for a pattern that would match empty text.
    return (reply) => {
      const text = reply.trim();
      return accept(text !== '' && pattern.test(text) ? text : undefined);
    };
  }
  const readers: Record<Exclude<typeof expect, 'choice'>, (text: string) => Value | undefined> = {
    text: (text) => text,
    number: (text) => {
      // Hundreds of digits parse as Infinity, which is no JSON value: not a number a script can use.
      const value = DECIMAL_REPLY.test(text) ? Number(text.replace(',', '.')) : NaN;
      return Number.isFinite(value) ? value : undefined;
    },
    integer: (text) => (INTEGER.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined),
    email: (text) => (text.length <= 254 && EMAIL.test(text) ? text : undefined),
    // People write phones with spaces, dashes, dots and brackets; we keep the digits and a leading +.
    phone: (text) => {
      const digits = text.replace(/[\s().-]/g, '');
      return PHONE.test(digits) ? digits : undefined;
    },
  };
  // Without choices there is nothing to pick from, and the loader refuses that combination.
  const reader = expect === 'choice' ? () => undefined : readers[expect];
  return (reply) => {
    const text = reply.trim();
    return text === '' ? undefined : accept(reader(text));
  };
}

/**
 * A reply matches a choice by its value or its label, ignoring case and surrounding spaces. Values
 * are tried first, across all choices: a button sends its choice's value, which must pick that
 * choice even when another choice's label reads the same.
 */
function pickChoice(
  step: BlockStep,
  choices: readonly {
    label: ReturnType<typeof compileTemplate>;
    value?: string | number | boolean | undefined;
    next?: string | undefined;
  }[],
  reply: string,
): Accepted | undefined {
  const wanted = reply.trim().toLowerCase();
  if (wanted === '') return undefined;
  const byValue = choices.findIndex(
    (choice) => choice.value !== undefined && String(choice.value).toLowerCase() === wanted,
  );
  const index =
    byValue !== -1
      ? byValue
      : choices.findIndex((choice) => step.render(choice.label).toLowerCase() === wanted);
  const choice = choices[index];
  if (choice === undefined) return undefined;
  return { value: choice.value ?? step.render(choice.label), choice: index, next: choice.next };
}
