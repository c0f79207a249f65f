import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChangeSet, Text } from '@codemirror/state';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import {
  copyBlocks,
  editScript,
  outlineScript,
  type EditOperation,
  type ScriptOutline,
  type TextChange,
} from '../../engine/index.js';
import { ROOT } from '../support/cli.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzzRuns } from '../fuzz/helpers.js';
import { generatedScript, shapes } from './generate.js';

/*
 * The round trip of the canvas: random sequences of operations, through the same editScript the
 * studio's server calls, on the sample scripts and on generated scripts with comments everywhere.
 * After each operation the text parses and only the lines it concerns changed; undoing the whole
 * sequence the way the page's history does (CodeMirror change sets, inverted) gives the original
 * back byte for byte.
 */

const TYPES = ['message', 'ask', 'condition', 'request', 'bpl', 'end', 'random'];
const TEXTS = [
  'Hi',
  'it: has a colon',
  "it's # not a comment",
  'two\nlines',
  '{{ name }}!',
  'true',
  '42',
  '',
];
const FIELDS: Record<string, string[]> = {
  message: ['text', 'buttons'],
  ask: ['text', 'save', 'retries', 'invalid', 'expect'],
  condition: ['branches[0].if'],
  request: ['url', 'method', 'timeout', 'headers.X-Api-Key', 'retry.attempts'],
  bpl: ['set.total', 'split'],
  end: ['text', 'result'],
  random: ['branches[0].weight', 'save'],
};
const SCRIPT_FIELDS = ['name', 'description', 'variables.city', 'variables.age'];

/** An operation's choices, read against the text it applies to when the sequence runs. */
const steps = fc.array(
  fc.record({
    kind: fc.nat(10),
    a: fc.nat(),
    b: fc.nat(),
    c: fc.nat(),
    value: fc.nat(TEXTS.length + 3),
  }),
  { minLength: 1, maxLength: 8 },
);
type Step = typeof steps extends fc.Arbitrary<(infer S)[]> ? S : never;

const at = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];

function operationOf(
  step: Step,
  text: string,
  outline: ScriptOutline,
  counter: number,
): EditOperation | undefined {
  const ids = outline.blocks.map((block) => block.id);
  const block = at(outline.blocks, step.a);
  const target = step.c % 7 === 0 ? 'ghost' : at(ids, step.c);
  const port = block && at(block.ports, step.b);
  const value =
    step.value < TEXTS.length ? TEXTS[step.value] : step.value === TEXTS.length ? undefined : step.value;
  switch (step.kind) {
    case 0:
      return {
        kind: 'add-block',
        type: at(TYPES, step.b) ?? 'end',
        ...(step.c % 2 === 0 && block && { after: block.id }),
      };
    case 1:
      return block && { kind: 'delete-block', id: block.id };
    case 2:
      return (
        block && {
          kind: 'rename-block',
          id: block.id,
          to: step.c % 5 === 0 ? (at(ids, step.c) ?? 'x') : `renamed-${counter}`,
        }
      );
    case 3:
      return block && port && target !== undefined
        ? { kind: 'connect', block: block.id, port: port.path, to: target }
        : undefined;
    case 4:
      return block && port && { kind: 'disconnect', block: block.id, port: port.path };
    case 5: {
      const way = block && at(block.adds, step.b);
      return (
        block &&
        way && {
          kind: 'add-way',
          block: block.id,
          way,
          ...(step.c % 2 === 0 && target !== undefined && { to: target }),
        }
      );
    }
    case 6:
      return block && port && { kind: 'remove-way', block: block.id, port: port.path };
    case 7: {
      const path = block && at(FIELDS[block.type ?? ''] ?? ['text'], step.b);
      return block && path !== undefined ? { kind: 'set-field', block: block.id, path, value } : undefined;
    }
    case 8:
      return {
        kind: 'set-entry',
        entry: step.b % 2 === 0 ? 'start' : 'on_error',
        to: step.c % 4 === 0 ? undefined : target,
      };
    case 9:
      return { kind: 'set-script-field', path: at(SCRIPT_FIELDS, step.b) ?? 'name', value };
    default: {
      const copied = ids.filter((_, index) => (step.b >> index) % 2 === 1).slice(0, 3);
      if (copied.length === 0) return undefined;
      return {
        kind: 'paste',
        blocks: copyBlocks(text, copied),
        ...(block && step.c % 2 === 0 && { after: block.id }),
      };
    }
  }
}

/**
 * The lines each block owns in the text: from the blank and comment lines above its key down to
 * the next block's (the last block's reach ends at the next top-level key).
 */
function territories(text: string, outline: ScriptOutline): Map<string, { from: number; to: number }> {
  const lines = text.split('\n');
  const starts = [0];
  for (const line of lines) starts.push((starts.at(-1) ?? 0) + line.length + 1);
  const indent = (line: string) => line.length - line.trimStart().length;
  // Blank lines, and comments no deeper than the key (deeper ones end the block before).
  const isLoose = (line: string | undefined, column: number) =>
    line !== undefined && (line.trim() === '' || (line.trim().startsWith('#') && indent(line) <= column));
  const firstLines = outline.blocks.map((block, index) => {
    let first = block.lines.first - 1;
    const column = indent(lines[first] ?? '');
    const floor = index === 0 ? 0 : (outline.blocks[index - 1]?.lines.last ?? 0);
    while (first - 1 >= floor && isLoose(lines[first - 1], column)) first -= 1;
    return first;
  });
  const last = outline.blocks.at(-1);
  let end = lines.length;
  if (last) {
    for (let line = last.lines.last; line < lines.length; line += 1) {
      const content = lines[line] ?? '';
      if (content.trim() !== '' && !content.startsWith(' ') && !content.trim().startsWith('#')) {
        end = line;
        break;
      }
    }
  }
  return new Map(
    outline.blocks.map((block, index) => [
      block.id,
      { from: starts[firstLines[index] ?? 0] ?? 0, to: starts[firstLines[index + 1] ?? end] ?? text.length },
    ]),
  );
}

/**
 * Every change inside the region. At the end of a file without a final line break, lines removed
 * take the line break before them instead of their own.
 */
function within(
  text: string,
  changes: readonly TextChange[],
  region: { from: number; to: number } | undefined,
) {
  if (!region) return false;
  return changes.every((change) => {
    const lineBreak =
      change.to === text.length && !text.endsWith('\n') ? /\r?\n$/.exec(text.slice(0, region.from)) : null;
    return (
      change.from >= region.from - (lineBreak?.[0].length ?? 0) &&
      change.to <= Math.max(region.to, change.from)
    );
  });
}

/** A region widened over the blank lines around it. */
function overBlanks(text: string, region: { from: number; to: number } | undefined) {
  if (!region) return undefined;
  const lines = text.split('\n');
  const starts = [0];
  for (const line of lines) starts.push((starts.at(-1) ?? 0) + line.length + 1);
  let first = starts.findIndex((start) => start >= region.from);
  let end = starts.findIndex((start) => start >= region.to);
  if (end === -1) end = lines.length;
  while (first > 0 && lines[first - 1]?.trim() === '') first -= 1;
  while (end < lines.length && lines[end]?.trim() === '') end += 1;
  return { from: starts[first] ?? 0, to: Math.min(starts[end] ?? text.length, text.length) };
}

const atLineStart = (text: string, offset: number) =>
  offset === 0 || text[offset - 1] === '\n' || offset === text.length;

/** What an operation may have changed, judged on the old text: only the lines it concerns. */
function expectOnlyItsLines(
  operation: EditOperation,
  text: string,
  outline: ScriptOutline,
  changes: readonly TextChange[],
): void {
  const region = territories(text, outline);
  const blocksMapEmpty = outline.blocks.length === 0;
  switch (operation.kind) {
    case 'add-block':
    case 'paste':
      if (blocksMapEmpty) return;
      // New lines only, inserted between lines.
      for (const change of changes) {
        expect(change.to, 'an insertion').toBe(change.from);
        expect(atLineStart(text, change.from), 'at a line start').toBe(true);
      }
      return;
    case 'delete-block':
      // The last block leaves `blocks: {}`.
      if (outline.blocks.length === 1) return;
      expect(
        changes.every((change) => change.insert === ''),
        'a deletion',
      ).toBe(true);
      // The blank line that set the block apart goes with it.
      expect(within(text, changes, overBlanks(text, region.get(operation.id))), 'within the block').toBe(
        true,
      );
      return;
    case 'rename-block':
      // Each change is one occurrence of the id, in its quotes, becoming the new id.
      for (const change of changes) {
        const old = text.slice(change.from, change.to);
        expect([operation.id, `'${operation.id}'`, `"${operation.id}"`]).toContain(old);
        expect(change.insert).toBe(old.replace(operation.id, operation.to));
      }
      return;
    case 'set-entry':
    case 'set-script-field': {
      const inside = [...region.values()].some((block) =>
        changes.some((change) => change.from < block.to && change.to > block.from),
      );
      expect(inside, 'no block touched').toBe(false);
      return;
    }
    default:
      expect(within(text, changes, region.get(operation.block)), `within the block ${operation.block}`).toBe(
        true,
      );
  }
}

/** What the operation meant, read back from the new text. */
function expectItsEffect(operation: EditOperation, outline: ScriptOutline): void {
  const ids = outline.blocks.map((block) => block.id);
  const block = 'block' in operation ? outline.blocks.find((b) => b.id === operation.block) : undefined;
  if (operation.kind === 'add-block') expect(ids.some((id) => id.startsWith(operation.type))).toBe(true);
  if (operation.kind === 'delete-block') expect(ids).not.toContain(operation.id);
  if (operation.kind === 'rename-block') expect(ids).toContain(operation.to);
  if (operation.kind === 'connect')
    expect(block?.ports.find((port) => port.path === operation.port)?.target).toBe(operation.to);
  if (operation.kind === 'disconnect')
    expect(block?.ports.find((port) => port.path === operation.port)?.target).toBeUndefined();
}

/** A text as CodeMirror holds it, `\r` kept in the lines so that offsets are the string's. */
const docOf = (text: string) => Text.of(text.split('\n'));

function runSequence(original: string, sequence: readonly Step[]): void {
  let text = original;
  let doc = docOf(text);
  const undo: ChangeSet[] = [];
  for (const [index, step] of sequence.entries()) {
    const outline = outlineScript(text);
    const operation = operationOf(step, text, outline, index);
    if (!operation) continue;
    const result = editScript(text, operation);
    if (!result.ok) {
      // Refusals are the designer's (an id taken, a way that cannot go), never a failed check.
      expect(result.message, JSON.stringify(operation)).not.toMatch(/could not make this change/);
      continue;
    }
    expect(parseDocument(result.text).errors, JSON.stringify(operation)).toEqual([]);
    expectOnlyItsLines(operation, text, outline, result.changes);
    expectItsEffect(operation, outlineScript(result.text));
    const changes = ChangeSet.of(
      result.changes.map((change) => ({ from: change.from, to: change.to, insert: docOf(change.insert) })),
      doc.length,
    );
    undo.push(changes.invert(doc));
    doc = changes.apply(doc);
    expect(doc.toString()).toBe(result.text);
    text = result.text;
  }
  for (const inverse of undo.reverse()) doc = inverse.apply(doc);
  expect(doc.toString()).toBe(original);
}

const SAMPLES = readdirSync(join(ROOT, 'scripts'))
  .filter((file) => file.endsWith('.yaml') && !file.endsWith('.cases.yaml'))
  .map((file) => [file, readFileSync(join(ROOT, 'scripts', file), 'utf8')] as const);

describe('canvas operations round trip', () => {
  // Besides the samples, files with nothing in them yet: the first block or field writes the header.
  test.each<readonly [string, string]>([
    ...SAMPLES,
    ['an empty file', ''],
    ['a file of comments only', '# A new script.\n\n# Its blocks come here.\n'],
  ])(
    '%s: each operation changes only its lines, and undoing them all restores the file',
    (_, original) => {
      fc.assert(
        fc.property(steps, (sequence) => {
          runSequence(original, sequence);
        }),
        fuzzRuns(150),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  test(
    'generated scripts with comments everywhere, LF or CRLF, any indentation',
    () => {
      fc.assert(
        fc.property(shapes, steps, (shape, sequence) => {
          runSequence(generatedScript(shape), sequence);
        }),
        fuzzRuns(300),
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
