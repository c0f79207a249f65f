import type { Text } from '@codemirror/state';

/** A step of a YAML path: a key of a map, or an item of a sequence. */
export type Step = { readonly key: string; readonly line: number } | { readonly item: true };

/** One line of block-style YAML, as far as indentation tells: its key, if it starts with one. */
interface YamlLine {
  readonly indent: number;
  /** The column of a leading `- ` (an item of a sequence). */
  readonly dash: number | undefined;
  /** The column the line's content starts at, after its dashes. */
  readonly content: number;
  readonly key: string | undefined;
  /** What follows `key:` on the line. */
  readonly value: string;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+|$)/;

function readLine(text: string): YamlLine | undefined {
  const match = /^( *)((?:- +)*)(.*)$/.exec(text);
  const [, spaces = '', dashes = '', body = ''] = match ?? [];
  if (dashes === '' && (body === '' || body.startsWith('#'))) return undefined;
  const key = KEY.exec(body);
  const raw = key?.[1];
  return {
    indent: spaces.length,
    dash: dashes === '' ? undefined : spaces.length,
    content: spaces.length + dashes.length,
    key: raw === undefined ? undefined : unquote(raw),
    value: key ? body.slice(key[0].length) : '',
  };
}

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key) as string;
    } catch {
      return key.slice(1, -1);
    }
  }
  return key.startsWith("'") ? key.slice(1, -1).replaceAll("''", "'") : key;
}

/** A block scalar's header (`|`, `>-`, `|2+`): the lines under it are text, not YAML keys. */
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;

/**
 * The YAML path of the map a key at `column` of line `lineNumber` belongs to, from indentation
 * alone (the text being typed is often not valid YAML yet); `dash` is the column of the `- ` that
 * starts an item on that line. Undefined inside a block scalar's text or where indentation does
 * not say.
 */
export function pathAt(doc: Text, lineNumber: number, column: number, dash?: number): Step[] | undefined {
  const steps: Step[] = [];
  let col = column;
  if (dash !== undefined) {
    steps.push({ item: true });
    col = dash;
  }
  for (let number = lineNumber - 1; number >= 1 && col > 0; number--) {
    const above = readLine(doc.line(number).text);
    if (!above || above.indent >= col) continue;
    if (above.dash !== undefined) {
      // The item the key is in: on the dash's line (`- when: x`), or under its first key.
      if (above.content > col) return undefined;
      if (above.content < col) {
        if (above.key === undefined || BLOCK_SCALAR.test(above.value)) return undefined;
        steps.push({ key: above.key, line: number });
      }
      steps.push({ item: true });
      col = above.dash;
      continue;
    }
    if (above.key === undefined || BLOCK_SCALAR.test(above.value)) return undefined;
    steps.push({ key: above.key, line: number });
    col = above.indent;
  }
  return steps.reverse();
}

/** What the cursor stands on: a key being typed, or the value after `key:` on its line. */
export interface Place {
  readonly kind: 'key' | 'value';
  /** The path of the map the key belongs to; for a value, the key is the last step. */
  readonly path: readonly Step[];
  /** Where the word being typed starts. */
  readonly from: number;
  /** The key's column. */
  readonly column: number;
  /** The keys the map has already (a key's place only). */
  readonly written: ReadonlySet<string>;
}

/** The place at `pos`, when it is one completion can help with. */
export function placeAt(doc: Text, pos: number): Place | undefined {
  const line = doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  const typed =
    /^( *)((?:- +)?)(?:([\w-]*)|(\S[^:#]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*')\s*:\s+([\w.$-]*))$/.exec(before);
  if (!typed) return undefined;
  const [, spaces = '', dash = '', keyWord, key = '', valueWord = ''] = typed;
  const column = spaces.length + dash.length;
  const path = pathAt(doc, line.number, column, dash === '' ? undefined : spaces.length);
  if (!path) return undefined;
  if (keyWord !== undefined) {
    const written = keysBeside(doc, line.number, column, dash !== '');
    return { kind: 'key', path, from: pos - keyWord.length, column, written };
  }
  const step = { key: unquote(key), line: line.number };
  return { kind: 'value', path: [...path, step], from: pos - valueWord.length, column, written: new Set() };
}

/** The other keys of the map a key at `column` of `lineNumber` is in (that line starts an item: `startsItem`). */
function keysBeside(doc: Text, lineNumber: number, column: number, startsItem: boolean): Set<string> {
  const keys = new Set<string>();
  const scan = (step: -1 | 1) => {
    for (let number = lineNumber + step; number >= 1 && number <= doc.lines; number += step) {
      const line = readLine(doc.line(number).text);
      if (!line || line.content > column) continue;
      if (line.content < column) return;
      if (line.dash !== undefined && step === 1) return; // the next item
      if (line.key !== undefined) keys.add(line.key);
      if (line.dash !== undefined) return; // the line that opened this item
    }
  };
  if (!startsItem) scan(-1);
  scan(1);
  return keys;
}

/** A map's entries one level under the key of line `lineNumber`: their keys and values as written. */
export function entriesUnder(doc: Text, lineNumber: number): Map<string, string> {
  const entries = new Map<string, string>();
  const parent = readLine(doc.line(lineNumber).text);
  if (!parent) return entries;
  let column: number | undefined;
  for (let number = lineNumber + 1; number <= doc.lines; number++) {
    const line = readLine(doc.line(number).text);
    if (!line) continue;
    if (line.indent <= parent.content) break;
    column ??= line.content;
    if (line.content === column && line.dash === undefined && line.key !== undefined) {
      entries.set(line.key, line.value.replace(/\s+#.*$/, '').trim());
    }
  }
  return entries;
}

/** The ids under the script's top-level `blocks:`. */
export function blockIds(doc: Text): string[] {
  for (let number = 1; number <= doc.lines; number++) {
    const line = readLine(doc.line(number).text);
    if (line?.indent === 0 && line.key === 'blocks') return [...entriesUnder(doc, number).keys()];
  }
  return [];
}
