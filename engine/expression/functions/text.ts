import { characterCount, characters } from '../characters.js';
import { ensureTextLength } from '../error.js';
import { dataEquals, isDataObject, isList, toText, type ExpressionValue } from '../value.js';
import { BOOLEAN, LIST, NUMBER, TEXT, typeOf, type Kind } from '../kinds.js';
import { fixed, optional, type FunctionTable } from './define.js';

/** What text functions read as text: a boolean, a list or an object there is a mistake. */
const TEXTUAL: readonly Kind[] = typeOf('text', 'number', 'date');
const ANY_KIND: readonly Kind[] = typeOf('text', 'number', 'boolean', 'date', 'list', 'object');

function length(value: ExpressionValue): number {
  if (isList(value)) return value.length;
  if (isDataObject(value)) return Object.keys(value).length;
  return characterCount(toText(value));
}

/** A list holds an equal item, an object an own key, anything else the text. */
function contains(whole: ExpressionValue, part: ExpressionValue): boolean {
  if (isList(whole)) return whole.some((item) => dataEquals(item, part));
  if (isDataObject(whole)) return Object.hasOwn(whole, toText(part));
  return toText(whole).includes(toText(part));
}

const WHITE_SPACE = /\s+/;

/** Without a separator: runs of white space, like the BPL split. Empty text has no parts. */
function split(value: ExpressionValue, separator: ExpressionValue | undefined): string[] {
  const text = toText(value);
  if (separator === undefined) {
    const trimmed = text.trim();
    return trimmed === '' ? [] : trimmed.split(WHITE_SPACE);
  }
  if (text === '') return [];
  const by = toText(separator);
  return by === '' ? characters(text) : text.split(by);
}

function join(value: ExpressionValue, separator: ExpressionValue): string {
  if (!isList(value)) return toText(value);
  const by = toText(separator);
  const parts = value.map(toText);
  ensureTextLength(parts.reduce((sum, part) => sum + part.length, by.length * Math.max(0, parts.length - 1)));
  return parts.join(by);
}

/** Every occurrence, as plain text: no patterns, and `$&` in the replacement is literal. */
function replace(value: ExpressionValue, search: ExpressionValue, replacement: ExpressionValue): string {
  const text = toText(value);
  const find = toText(search);
  if (find === '') return text;
  const pieces = text.split(find);
  const by = toText(replacement);
  ensureTextLength(text.length + (pieces.length - 1) * (by.length - find.length));
  return pieces.join(by);
}

export const TEXT_FUNCTIONS: FunctionTable = {
  lower: fixed({ params: [TEXTUAL], returns: TEXT }, ([value = '']) => toText(value).toLowerCase()),
  upper: fixed({ params: [TEXTUAL], returns: TEXT }, ([value = '']) => toText(value).toUpperCase()),
  trim: fixed({ params: [TEXTUAL], returns: TEXT }, ([value = '']) => toText(value).trim()),
  length: fixed({ params: [typeOf('text', 'date', 'list', 'object')], returns: NUMBER }, ([value = '']) =>
    length(value),
  ),
  contains: fixed(
    { params: [typeOf('text', 'date', 'list', 'object'), ANY_KIND], returns: BOOLEAN },
    ([whole = '', part = '']) => contains(whole, part),
  ),
  startsWith: fixed({ params: [TEXTUAL, TEXTUAL], returns: BOOLEAN }, ([value = '', start = '']) =>
    toText(value).startsWith(toText(start)),
  ),
  endsWith: fixed({ params: [TEXTUAL, TEXTUAL], returns: BOOLEAN }, ([value = '', end = '']) =>
    toText(value).endsWith(toText(end)),
  ),
  split: optional(1, { params: [TEXTUAL, TEXTUAL], returns: LIST }, ([value = '', separator]) =>
    split(value, separator),
  ),
  join: optional(
    1,
    { params: [typeOf('list', 'text'), TEXTUAL], returns: TEXT },
    ([value = '', separator = ', ']) => join(value, separator),
  ),
  replace: fixed(
    { params: [TEXTUAL, TEXTUAL, TEXTUAL], returns: TEXT },
    ([value = '', search = '', replacement = '']) => replace(value, search, replacement),
  ),
};
