import { isMap, isScalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { rootOf } from './data.js';
import type { JsonValue } from './operation.js';
import { render, renderKey } from './render.js';
import type { Plan, ScriptText } from './script.js';
import { colonEndOf, contentEndOf, entryOf, ownLinesOf, type Style } from './syntax.js';
import { insertLines, rewriteFlow } from './write.js';

/** A block, new or pasted: its id, its data, and its own text (with comments) when it has one. */
export interface NewBlock {
  readonly id: string;
  readonly value: JsonValue;
  /** The block's lines as copied (`id:` at column 0), written as they are, indented for the file. */
  readonly text?: string;
}

/**
 * New blocks written into the script: after `after` (or the last block), at the blocks' column,
 * set apart by a blank line when the file sets its blocks apart. A script without blocks gets its
 * `blocks:`, and a file with nothing in it the format's header first.
 */
export function insertBlocks(
  script: ScriptText,
  blocks: readonly NewBlock[],
  after: string | undefined,
): Plan {
  if (after !== undefined) script.block(after);
  const { syntax } = script;
  const { eol, unit } = syntax.style;
  const map = script.blocks;
  const expect = (document: Document) => {
    const root = rootOf(document);
    const existing = root.get('blocks', true);
    if (!isMap(existing)) {
      root.set(
        'blocks',
        document.createNode(Object.fromEntries(blocks.map((block) => [block.id, block.value]))),
      );
      return;
    }
    const at =
      after === undefined
        ? existing.items.length
        : existing.items.findIndex((pair) => keyOf(pair) === after) + 1;
    existing.items.splice(at, 0, ...blocks.map((block) => document.createPair(block.id, block.value)));
  };
  const linesAt = (column: number, separated: boolean) =>
    blocks.map((block) => blockLines(script, block, column)).join(separated ? eol + eol : eol);
  if (map?.flow && map.items.length > 0) {
    const changes = rewriteFlow(syntax, map, (copy) => {
      const at =
        after === undefined
          ? copy.items.length
          : (copy as YAMLMap).items.findIndex((pair) => keyOf(pair) === after) + 1;
      (copy as YAMLMap).items.splice(
        at,
        0,
        ...blocks.map((block) => syntax.document.createPair(block.id, block.value)),
      );
    });
    return { changes, expect };
  }
  if (map && map.items.length > 0) {
    const column = syntax.lines.columnOf(
      map.items[0]?.key ? ((map.items[0].key as Node).range?.[0] ?? 0) : 0,
    );
    const index =
      after === undefined ? map.items.length - 1 : (entryOf(map, after)?.index ?? map.items.length - 1);
    const separated = setApart(script, map);
    const text = (separated ? eol : '') + linesAt(column, separated);
    return {
      changes: [insertLines(syntax, syntax.lines.afterOf(ownLinesOf(syntax, map, index).last), text)],
      expect,
    };
  }
  const root = script.root;
  const entry = root ? entryOf(root, 'blocks') : undefined;
  if (root && entry) {
    // `blocks:` with nothing, `{}` or a scalar: the new blocks replace it.
    const from = colonEndOf(syntax, entry.pair);
    const to = Math.max(from, contentEndOf(syntax, root, entry.index));
    return { changes: [{ from, to, insert: eol + linesAt(unit, true) }], expect };
  }
  const at =
    root && root.items.length > 0
      ? syntax.lines.afterOf(ownLinesOf(syntax, root, root.items.length - 1).last)
      : syntax.text.length;
  const lines = 'blocks:' + eol + linesAt(unit, true);
  if (script.isEmpty) return script.writtenFirst(lines, expect);
  return { changes: [insertLines(syntax, at, lines)], expect };
}

function blockLines(script: ScriptText, block: NewBlock, column: number): string {
  const { style } = script.syntax;
  const pad = ' '.repeat(column);
  if (block.text !== undefined)
    return block.text
      .split(/\r?\n/)
      .map((line) => (line.trim() === '' ? '' : pad + line))
      .join(style.eol);
  return pad + renderKey(block.id, style) + ':' + render(block.value, { kind: 'key', column }, style);
}

/** The file sets its blocks apart with blank lines: any two blocks with one between them (a file with one block: yes). */
function setApart(script: ScriptText, map: YAMLMap): boolean {
  const { syntax } = script;
  if (map.items.length < 2) return true;
  for (let index = 1; index < map.items.length; index += 1) {
    const before = ownLinesOf(syntax, map, index - 1).last;
    const first = ownLinesOf(syntax, map, index).first;
    for (let line = before + 1; line < first; line += 1) if (syntax.lines.isBlank(line)) return true;
  }
  return false;
}

export function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** A block's key renamed in its own quotes (an id has no character a quote would escape). */
export function renameKey(style: Style, type: string | undefined, to: string): string {
  if (type === 'QUOTE_SINGLE') return `'${to}'`;
  if (type === 'QUOTE_DOUBLE') return `"${to}"`;
  return renderKey(to, style);
}
