import { Document, isCollection, isNode, Pair, Scalar, visit, YAMLMap, YAMLSeq, type Node } from 'yaml';
import type { JsonValue } from './operation.js';
import type { Style } from './syntax.js';

/** Where a value is written: after `key:` or `-` in block style (at the key's or dash's column), or in a flow collection. */
export type Place =
  | { readonly kind: 'key'; readonly column: number }
  | { readonly kind: 'dash'; readonly column: number }
  /** `indent`: the indentation of the line the value starts on, for a collection written over several lines. */
  | { readonly kind: 'flow'; readonly indent?: number };

/** Text a designer types, which the file writes quoted; ids, names and expressions like `body.order` stay plain. */
const PLAIN_WORD = /^[A-Za-z_][\w./-]*$/;

type ScalarType = NonNullable<Scalar['type']>;

/**
 * How a string is written: as it was (`kept`) when that style can hold it, else plain when it is
 * a word, in the file's quotes when it is one line, as a block (`|`) when it has several and a
 * block can stand there, else in double quotes. Quotes that would have to escape the value's own
 * give way to the other kind, as a hand-written file does.
 */
function stringType(value: string, style: Style, block: boolean, kept?: Scalar['type']): ScalarType {
  if (value.includes('\n')) {
    if (!block) return 'QUOTE_DOUBLE';
    return kept === 'BLOCK_FOLDED' ? kept : 'BLOCK_LITERAL';
  }
  if (kept !== undefined) return otherQuoteIfCleaner(value, kept);
  return PLAIN_WORD.test(value) ? 'PLAIN' : otherQuoteIfCleaner(value, style.quote);
}

/** The other quotes when these would have to escape the value's own and those would not (`"a != ''"`). */
function otherQuoteIfCleaner(value: string, type: ScalarType): ScalarType {
  if (type === 'QUOTE_SINGLE' && value.includes("'") && !/["\\]/.test(value)) return 'QUOTE_DOUBLE';
  if (type === 'QUOTE_DOUBLE' && value.includes('"') && !value.includes("'")) return 'QUOTE_SINGLE';
  return type;
}

function stringifyOptions(style: Style) {
  return {
    indent: style.unit,
    indentSeq: style.indentSeq,
    lineWidth: 0,
    minContentWidth: 0,
    flowCollectionPadding: style.flowPadding,
    // null, not false: a value kept in single quotes stays in them in a file that prefers double ones.
    singleQuote: style.quote === 'QUOTE_SINGLE' ? true : null,
    nullStr: '',
  };
}

/**
 * A value as a node whose strings (keys too) are written as this file writes new text; `block`
 * says a block scalar may stand there.
 */
function nodeOf(
  document: Document,
  value: JsonValue | Node | null,
  place: Place,
  style: Style,
  block: boolean,
): Node {
  // A value that holds one object twice (a skeleton's two equal branches) is written twice, not aliased.
  const node = isNode(value)
    ? value
    : (document.createNode(value, { flow: place.kind === 'flow', aliasDuplicateObjects: false }) as Node);
  visit(node, {
    Scalar(_, scalar) {
      if (typeof scalar.value === 'string' && scalar.type === undefined)
        scalar.type = stringType(scalar.value, style, block && place.kind !== 'flow');
    },
  });
  return node;
}

/**
 * The text that follows `key:` or `-` for a value in block style (a space and a scalar, or a
 * line break and the nested lines), or the flow text of a value, in the file's style. Lines are
 * indented for the place's column and end with the file's line break; no trailing space.
 * `block` says a block scalar may stand there: false when a comment follows the value on its
 * last line, which would read as the text of a block scalar ending there.
 */
export function render(value: JsonValue | Node | null, place: Place, style: Style, block = true): string {
  const document = new Document();
  const node = nodeOf(document, value, place, style, block);
  let text: string;
  if (place.kind === 'flow' && isCollection(node)) {
    // A collection with comments inside is written over several lines: they follow the line it starts on.
    document.contents = node;
    const pad = ' '.repeat(place.indent ?? 0);
    text = document
      .toString(stringifyOptions(style))
      .replace(/\n$/, '')
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : pad + line))
      .join('\n');
  } else if (place.kind === 'flow') {
    // A scalar is written as an item of a flow list, so that it is quoted as a flow value must be.
    document.contents = document.createNode([node], { flow: true });
    const wrapped = document.toString(stringifyOptions(style)).replace(/\n$/, '');
    text = wrapped.slice(style.flowPadding ? 2 : 1, style.flowPadding ? -2 : -1);
  } else {
    const key = place.kind === 'key' ? 'k:' : '-';
    if (place.kind === 'key') {
      const map = new YAMLMap();
      map.items.push(new Pair(new Scalar('k'), node));
      document.contents = map;
    } else {
      const seq = new YAMLSeq();
      seq.items.push(node);
      document.contents = seq;
    }
    const out = document.toString(stringifyOptions(style)).replace(/\n$/, '');
    const pad = ' '.repeat(place.column);
    text = out
      .slice(key.length)
      .split('\n')
      .map((line, i) => (i === 0 || line === '' ? line : pad + line).trimEnd())
      .join('\n');
  }
  return text.replaceAll('\n', style.eol);
}

/** A map key as this file writes new keys: plain when it reads back as the same text, else quoted. */
export function renderKey(key: string, style: Style): string {
  const document = new Document();
  const scalar = new Scalar(key);
  scalar.type = PLAIN_WORD.test(key) ? 'PLAIN' : style.quote;
  document.contents = document.createNode(new Map([[scalar, null]]));
  return document.toString(stringifyOptions(style)).replace(/:\s*$/, '');
}

/**
 * A scalar's new text where the old one was written: in the same quotes or block style when it
 * can hold the value (a plain scalar that would read back as another value gets the file's
 * quotes). `block` says a block scalar may stand there (nothing follows on its line).
 */
export function renderScalar(
  value: string | number | boolean | null,
  kept: Scalar['type'],
  place: Place,
  style: Style,
  block: boolean,
): string {
  if (value === null) return 'null';
  const scalar = new Scalar(value);
  if (typeof value === 'string') scalar.type = stringType(value, style, block && place.kind !== 'flow', kept);
  const text = render(scalar, place, style);
  return place.kind === 'flow' ? text : text.replace(/^ /, '');
}
