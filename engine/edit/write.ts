import { isCollection, isMap, isPair, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import type { YamlPath } from '../script/yaml-path.js';
import { deleteDeep, isObject, mergeNode, nest, setDeep } from './data.js';
import type { JsonValue, TextChange } from './operation.js';
import { render, renderKey, renderScalar, type Place } from './render.js';
import {
  colonEndOf,
  contentEndOf,
  dashEndOf,
  entryOf,
  isEmptyScalar,
  ownLinesOf,
  startOf,
  type Collection,
  type Syntax,
} from './syntax.js';

/*
 * Text changes that write a value into a collection of the parsed text, touching only the lines
 * the value is on. Block collections are edited line by line; a flow collection (`{ a: 1 }`) is
 * rewritten whole, from its own nodes, so its other values keep their quotes.
 */

/** Keys of a map in the order its schema lists them: a new key goes after those that precede it. */
export interface KeyOrder {
  readonly map: YAMLMap;
  readonly keys: readonly string[];
}

/** An edit that cannot be made on this text, in one sentence. */
export class Refusal extends Error {}

/** Sets `path` inside `container` to `value`, creating what is missing. */
export function setAt(
  syntax: Syntax,
  container: Collection,
  path: YamlPath,
  value: JsonValue,
  order?: KeyOrder,
): TextChange[] {
  const [key, ...rest] = path;
  if (container.flow) {
    // A scalar in a flow collection is replaced where it is; anything else rewrites the collection.
    const index = key === undefined ? undefined : indexOf(container, key);
    const node = index === undefined ? null : valueNode(container, index);
    if (rest.length > 0 && isCollection(node)) return setAt(syntax, node, rest, value);
    if (rest.length === 0 && isScalar(node) && !isEmptyScalar(node) && !isCollectionValue(value))
      return [replaceScalar(syntax, node, value, { kind: 'flow' })];
    return rewriteFlow(syntax, container, (copy) => {
      setDeep(syntax.document, copy, path, value);
    });
  }
  if (key === undefined) throw new Refusal('there is nothing to set');
  const index = indexOf(container, key);
  if (index === undefined) {
    if (isSeq(container)) {
      if (key !== container.items.length) throw new Refusal(`there is no item ${String(key)} in that list`);
      return [appendItem(syntax, container, nest(rest, value))];
    }
    return [insertEntry(syntax, container, String(key), nest(rest, value), order)];
  }
  const node = valueNode(container, index);
  // An empty `{}` or `[]` (a skeleton's) is replaced: its first entry is written in the block style around it.
  if (rest.length > 0 && isCollection(node) && !(node.flow && node.items.length === 0))
    return setAt(syntax, node, rest, value, order);
  return writeValue(syntax, container, index, nest(rest, value));
}

/** Removes `path` inside `container`: a map's entry or a list's item, with the lines it owns. */
export function removeAt(syntax: Syntax, container: Collection, path: YamlPath): TextChange[] {
  if (container.flow)
    return rewriteFlow(syntax, container, (copy) => {
      deleteDeep(copy, path);
    });
  const [key, ...rest] = path;
  const index = key === undefined ? undefined : indexOf(container, key);
  if (index === undefined) return [];
  if (rest.length > 0) {
    const node = valueNode(container, index);
    return isCollection(node) ? removeAt(syntax, node, rest) : [];
  }
  return [removeItem(syntax, container, index)];
}

function indexOf(container: Collection, key: string | number): number | undefined {
  if (isSeq(container)) return typeof key === 'number' && key < container.items.length ? key : undefined;
  return entryOf(container, String(key))?.index;
}

function valueNode(container: Collection, index: number): Node | null {
  const item = container.items[index];
  return (isPair(item) ? item.value : item) as Node | null;
}

function placeOf(syntax: Syntax, container: Collection, index: number): Place {
  if (container.flow) return { kind: 'flow' };
  const column = syntax.lines.columnOf(startOf(container, index) ?? 0);
  return isMap(container) ? { kind: 'key', column } : { kind: 'dash', column };
}

/** Writes a new value over an item's value: scalars in place, collections merged, anything else replaced. */
function writeValue(syntax: Syntax, container: Collection, index: number, value: JsonValue): TextChange[] {
  const node = valueNode(container, index);
  const place = placeOf(syntax, container, index);
  if (node && isScalar(node) && !isEmptyScalar(node) && !isCollectionValue(value))
    return [replaceScalar(syntax, node, value, place)];
  if (isCollection(node) && node.flow && node.items.length === 0)
    return [replaceValue(syntax, container, index, value)];
  if (isCollection(node) && node.flow && isCollectionValue(value))
    return rewriteFlow(syntax, node, (copy) => {
      mergeNode(syntax.document, copy, value);
    });
  if (isMap(node) && isObject(value)) return mergeMap(syntax, node, value);
  if (isSeq(node) && Array.isArray(value)) return mergeSeq(syntax, node, value);
  return [replaceValue(syntax, container, index, value)];
}

function isCollectionValue(value: JsonValue): value is readonly JsonValue[] | Record<string, JsonValue> {
  return typeof value === 'object' && value !== null;
}

/** A scalar's new value in its place, in its quotes or block style when they can hold it. */
function replaceScalar(
  syntax: Syntax,
  node: Scalar,
  value: string | number | boolean | null,
  place: Place,
): TextChange {
  const [from, end] = node.range ?? [0, 0];
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  // A block scalar's range takes its line breaks: they stay, the new block ends where its text did.
  const to = block ? syntax.lines.trimBack(end, from) : end;
  // An empty text (a placeholder the form wrote) has no style worth keeping: the new value takes a new one's.
  const kept = node.value === '' ? undefined : node.type;
  return { from, to, insert: renderScalar(value, kept, place, syntax.style, endsItsLine(syntax, to)) };
}

/**
 * Nothing but white space follows `offset` on its line, so a block scalar may end there: a comment
 * after the last line of a block scalar would be read as its text.
 */
function endsItsLine(syntax: Syntax, offset: number): boolean {
  const { lines, text } = syntax;
  return text.slice(offset, lines.endOf(lines.lineAt(offset))).trim() === '';
}

/** A map's keys the new value lacks are removed, its other keys written; new keys go after the last kept one. */
function mergeMap(syntax: Syntax, node: YAMLMap, value: Readonly<Record<string, JsonValue>>): TextChange[] {
  const keys = new Set(Object.keys(value));
  const kept = node.items.flatMap((pair, index) =>
    isScalar(pair.key) && keys.has(String(pair.key.value)) ? [index] : [],
  );
  const owner = node.items.length === 0 ? undefined : (parentOf(syntax, node) ?? undefined);
  if (kept.length === 0 && owner) return [replaceValue(syntax, owner.container, owner.index, value)];
  const changes: TextChange[] = [];
  for (const [index, pair] of node.items.entries()) {
    if (!kept.includes(index)) changes.push(removeItem(syntax, node, index));
    else changes.push(...writeValue(syntax, node, index, value[String((pair.key as Scalar).value)] ?? null));
  }
  const written = new Set(kept.map((index) => String((node.items[index]?.key as Scalar).value)));
  for (const [key, item] of Object.entries(value)) {
    if (!written.has(key)) changes.push(insertEntry(syntax, node, key, item, undefined, kept.at(-1)));
  }
  return changes;
}

function mergeSeq(syntax: Syntax, node: Collection, value: readonly JsonValue[]): TextChange[] {
  const owner = parentOf(syntax, node);
  if (value.length === 0 && owner) return [replaceValue(syntax, owner.container, owner.index, value)];
  const changes: TextChange[] = [];
  const shared = Math.min(value.length, node.items.length);
  for (let index = 0; index < shared; index += 1)
    changes.push(...writeValue(syntax, node, index, value[index] ?? null));
  if (node.items.length > value.length) {
    const first = ownLinesOf(syntax, node, value.length).first;
    const last = ownLinesOf(syntax, node, node.items.length - 1).last;
    changes.push(removeLines(syntax, first, last));
  }
  for (const item of value.slice(node.items.length)) changes.push(appendItem(syntax, node, item));
  return changes;
}

/** The collection and index a node is the value of, found from the document's root. */
function parentOf(syntax: Syntax, target: Node): { container: Collection; index: number } | undefined {
  const search = (container: Collection): { container: Collection; index: number } | undefined => {
    for (const [index] of container.items.entries()) {
      const node = valueNode(container, index);
      if (node === target) return { container, index };
      if (isCollection(node)) {
        const found = search(node);
        if (found) return found;
      }
    }
    return undefined;
  };
  const root = syntax.document.contents;
  return isCollection(root) ? search(root) : undefined;
}

/** Replaces an item's whole value (whatever it was) with a new one, written for its place. */
function replaceValue(syntax: Syntax, container: Collection, index: number, value: JsonValue): TextChange {
  const node = valueNode(container, index);
  if (container.flow) {
    const [from, to] = node?.range ?? [0, 0];
    return { from, to, insert: render(value, { kind: 'flow' }, syntax.style) };
  }
  const place = placeOf(syntax, container, index);
  const item = container.items[index];
  const from = isPair(item) ? colonEndOf(syntax, item) : isSeq(container) ? dashEndOf(container, index) : 0;
  const to = Math.max(from, contentEndOf(syntax, container, index));
  return { from, to, insert: render(value, place, syntax.style, endsItsLine(syntax, to)) };
}

/** A new entry in a map: in a block map as lines after `after` (or where `order` puts it), in a flow map rewritten. */
function insertEntry(
  syntax: Syntax,
  map: YAMLMap,
  key: string,
  value: JsonValue,
  order?: KeyOrder,
  after: number | undefined = map.items.length - 1,
): TextChange {
  if (map.flow) {
    const [change] = rewriteFlow(syntax, map, (copy) => {
      setDeep(syntax.document, copy, [key], value);
    });
    if (!change) throw new Refusal('the map could not be written');
    return change;
  }
  const column = syntax.lines.columnOf(startOf(map, 0) ?? 0);
  const lineText =
    ' '.repeat(column) +
    renderKey(key, syntax.style) +
    ':' +
    render(value, { kind: 'key', column }, syntax.style);
  const position = order?.map === map ? orderedPosition(syntax, map, key, order.keys) : undefined;
  if (position !== undefined) return insertLines(syntax, position, lineText);
  return insertLines(syntax, syntax.lines.afterOf(ownLinesOf(syntax, map, after).last), lineText);
}

/** Where a key goes among a map's keys: after the last one its schema lists before it; undefined at the end. */
function orderedPosition(
  syntax: Syntax,
  map: YAMLMap,
  key: string,
  keys: readonly string[],
): number | undefined {
  const rank = keys.indexOf(key);
  if (rank === -1) return undefined;
  const ranks = map.items.map((pair) => keys.indexOf(isScalar(pair.key) ? String(pair.key.value) : ''));
  const before = ranks.findLastIndex((other) => other !== -1 && other < rank);
  if (before === map.items.length - 1) return undefined;
  if (before !== -1) return syntax.lines.afterOf(ownLinesOf(syntax, map, before).last);
  // First of all: before the first key, unless that key shares its line with a list's `-`.
  const start = startOf(map, 0) ?? 0;
  const line = syntax.lines.lineAt(start);
  if (syntax.lines.indentOf(line) !== syntax.lines.columnOf(start)) return undefined;
  return syntax.lines.startOf(ownLinesOf(syntax, map, 0).first);
}

/** An item appended to a block list, after its last one. */
function appendItem(syntax: Syntax, seq: Collection, value: JsonValue): TextChange {
  if (seq.flow) {
    const [change] = rewriteFlow(syntax, seq, (copy) => {
      setDeep(syntax.document, copy, [seq.items.length], value);
    });
    if (!change) throw new Refusal('the list could not be written');
    return change;
  }
  const column = syntax.lines.columnOf(startOf(seq, 0) ?? 0);
  // Items written as flow maps (`- { weight: 1, next: a }`) get one more of their kind.
  const last = seq.items.at(-1);
  const flowItem = isCollection(last) && last.flow && isCollectionValue(value) ? last : undefined;
  const item = flowItem
    ? ` ${render(value, { kind: 'flow' }, { ...syntax.style, flowPadding: paddedFlow(syntax, flowItem) })}`
    : render(value, { kind: 'dash', column }, syntax.style);
  const lineText = ' '.repeat(column) + '-' + item;
  return insertLines(
    syntax,
    syntax.lines.afterOf(ownLinesOf(syntax, seq, seq.items.length - 1).last),
    lineText,
  );
}

/** Whole lines inserted at a line's start; at the end of a file without a final line break, they keep it so. */
export function insertLines(syntax: Syntax, at: number, text: string): TextChange {
  const { eol } = syntax.style;
  if (at === syntax.text.length && syntax.text !== '' && !syntax.text.endsWith('\n'))
    return { from: at, to: at, insert: eol + text };
  return { from: at, to: at, insert: text + eol };
}

/** An item of a block collection removed with its own lines; the last one leaves the collection empty (`{}`, `[]`). */
function removeItem(syntax: Syntax, container: Collection, index: number): TextChange {
  if (container.items.length === 1) {
    const owner = parentOf(syntax, container);
    if (owner) return replaceValue(syntax, owner.container, owner.index, isMap(container) ? {} : []);
  }
  const start = startOf(container, index) ?? 0;
  const next = startOf(container, index + 1);
  // The first entry of a list item's map shares its line with the `-`: its text goes, up to the next entry.
  if (
    syntax.lines.indentOf(syntax.lines.lineAt(start)) !== syntax.lines.columnOf(start) &&
    next !== undefined
  )
    return { from: start, to: next, insert: '' };
  const { first, last } = ownLinesOf(syntax, container, index);
  return removeLines(syntax, first, last);
}

/** Lines `first` to `last` removed, line breaks included (at the end of a file without a final one, the one before). */
export function removeLines(syntax: Syntax, first: number, last: number): TextChange {
  const { lines, text } = syntax;
  const to = lines.afterOf(last);
  if (to === text.length && !text.endsWith('\n') && first > 0)
    return { from: lines.endOf(first - 1), to, insert: '' };
  return { from: lines.startOf(first), to, insert: '' };
}

/** A flow collection written again from a changed copy of its nodes, in its own spacing (`{ a }` or `{a}`). */
export function rewriteFlow(
  syntax: Syntax,
  collection: Collection,
  change: (copy: Collection) => void,
): TextChange[] {
  const copy = collection.clone() as Collection;
  change(copy);
  const [from, to] = collection.range ?? [0, 0];
  const style = { ...syntax.style, flowPadding: paddedFlow(syntax, collection) };
  const indent = syntax.lines.indentOf(syntax.lines.lineAt(from));
  return [{ from, to, insert: render(copy, { kind: 'flow', indent }, style) }];
}

/** A flow collection's own spacing inside its brackets; the file's for an empty one. */
function paddedFlow(syntax: Syntax, collection: Collection): boolean {
  const [from, to] = collection.range ?? [0, 0];
  return collection.items.length === 0
    ? syntax.style.flowPadding
    : /^[[{]\s/.test(syntax.text.slice(from, to));
}
