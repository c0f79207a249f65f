import {
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { lineBreakOf, Lines } from './text.js';

export type Collection = YAMLMap | YAMLSeq;

/** How the file writes what an edit adds: its own line break, indentation and quotes. */
export interface Style {
  readonly eol: string;
  /** Spaces per nesting level. */
  readonly unit: number;
  /** A list under a key is indented (`key:\n  - a`) rather than level with it (`key:\n- a`). */
  readonly indentSeq: boolean;
  readonly quote: 'QUOTE_SINGLE' | 'QUOTE_DOUBLE';
  /** Flow collections are written `{ a: 1 }` rather than `{a: 1}`. */
  readonly flowPadding: boolean;
}

/** A text parsed to the level edits work at: its document with source ranges, its lines, its style. */
export interface Syntax {
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lines: Lines;
  readonly style: Style;
}

export const PARSE_OPTIONS = {
  keepSourceTokens: true,
  uniqueKeys: true,
  version: '1.2',
  prettyErrors: false,
} as const;

/** The text parsed for editing, or why it cannot be edited. */
export function readSyntax(text: string): Syntax | string {
  const document = parseDocument(text, PARSE_OPTIONS);
  const lines = new Lines(text);
  const [error] = document.errors;
  if (error) {
    const line = lines.lineAt(error.pos[0]) + 1;
    return `the YAML has an error on line ${line}, so the canvas cannot change it until it is fixed`;
  }
  if (document.contents !== null && !isMap(document.contents))
    return 'the script is not a YAML map, so the canvas cannot change it';
  return { text, document, lines, style: styleOf(text, document, lines) };
}

function styleOf(text: string, document: Document.Parsed, lines: Lines): Style {
  const units = new Map<number, number>();
  let indented = 0;
  let level = 0;
  let single = 0;
  let double = 0;
  let padded = 0;
  let tight = 0;
  visit(document, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (!key?.range || !value?.range || !isCollection(value) || value.flow) return;
      const inner = startOf(value, 0);
      if (inner === undefined) return;
      const step = lines.columnOf(inner) - lines.columnOf(key.range[0]);
      if (isMap(value) && step > 0) units.set(step, (units.get(step) ?? 0) + 1);
      if (isSeq(value)) {
        if (step > 0) indented += 1;
        else level += 1;
      }
    },
    Scalar(_, scalar) {
      if (scalar.type === 'QUOTE_SINGLE') single += 1;
      else if (scalar.type === 'QUOTE_DOUBLE') double += 1;
    },
    Map(_, map) {
      if (map.flow && map.items.length > 0 && map.range) {
        if (/^\{\s/.test(text.slice(map.range[0], map.range[1]))) padded += 1;
        else tight += 1;
      }
    },
  });
  const unit = [...units].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 2;
  return {
    eol: lineBreakOf(text),
    unit,
    indentSeq: indented >= level,
    quote: double > single ? 'QUOTE_DOUBLE' : 'QUOTE_SINGLE',
    flowPadding: padded >= tight,
  };
}

/** Where a collection's item starts: its key, or the `-` of a list item. */
export function startOf(collection: Collection, index: number): number | undefined {
  if (isMap(collection)) {
    const pair = collection.items[index];
    return (pair?.key as Node | null)?.range?.[0];
  }
  const token = collection.srcToken;
  if (token?.type === 'block-seq') {
    const indicator = token.items[index]?.start.find((part) => part.type === 'seq-item-ind');
    if (indicator) return indicator.offset;
  }
  return (collection.items[index] as Node | null)?.range?.[0];
}

/** Where an item's own text ends: its value's last character (a comment on that line stays out). */
export function contentEndOf(syntax: Syntax, collection: Collection, index: number): number {
  const item = collection.items[index];
  const start = startOf(collection, index) ?? 0;
  const value = (isPair(item) ? item.value : item) as Node | null;
  const keyEnd = isPair(item) ? ((item.key as Node | null)?.range?.[1] ?? start) : start;
  const end = value?.range?.[1] ?? keyEnd;
  return Math.max(syntax.lines.trimBack(end, keyEnd), keyEnd);
}

/**
 * The lines an item of a block collection owns: the comment lines directly above it at its own
 * column (no blank line between), its text, and the comment lines right after it that are indented
 * deeper than it. Comments set apart by a blank line, or at a lesser column, belong to the file.
 */
export function ownLinesOf(
  syntax: Syntax,
  collection: Collection,
  index: number,
): { first: number; last: number } {
  const { lines } = syntax;
  const start = startOf(collection, index) ?? 0;
  const column = lines.columnOf(start);
  const keyLine = lines.lineAt(start);
  const nextStart = startOf(collection, index + 1);
  const limit = nextStart === undefined ? lines.count : lines.lineAt(nextStart);
  let first = keyLine;
  const floor = index === 0 ? 0 : lines.lineAt(contentEndOf(syntax, collection, index - 1)) + 1;
  while (first - 1 >= floor && lines.isComment(first - 1) && lines.indentOf(first - 1) === column) first -= 1;
  let last = lines.lineAt(contentEndOf(syntax, collection, index));
  while (last + 1 < limit && lines.isComment(last + 1) && lines.indentOf(last + 1) > column) last += 1;
  return { first, last };
}

/** The offset just after the `:` of a map entry. */
export function colonEndOf(syntax: Syntax, pair: Pair): number {
  const keyEnd = (pair.key as Node | null)?.range?.[1] ?? 0;
  return syntax.text.indexOf(':', keyEnd) + 1;
}

/** The offset just after the `-` of a block list's item. */
export function dashEndOf(collection: YAMLSeq, index: number): number {
  return (startOf(collection, index) ?? 0) + 1;
}

/** The entry of a map whose key is `key` (a scalar key), with its index. */
export function entryOf(map: YAMLMap, key: string): { pair: Pair; index: number } | undefined {
  const index = map.items.findIndex((pair) => isScalar(pair.key) && String(pair.key.value) === key);
  const pair = map.items[index];
  return pair ? { pair, index } : undefined;
}

/** A value written as nothing (`next:`): the edit writes after the colon rather than over it. */
export function isEmptyScalar(node: Node): node is Scalar {
  return isScalar(node) && node.range != null && node.range[0] === node.range[1];
}
