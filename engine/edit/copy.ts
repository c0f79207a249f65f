import { isMap, isScalar, type YAMLMap } from 'yaml';
import { blockDefinition } from '../../blocks/registry.js';
import { BotflowError } from '../error.js';
import { readPorts } from '../script/lenient.js';
import { isObject, prunedPath } from './data.js';
import { insertBlocks, renameKey, type NewBlock } from './blocks.js';
import type { JsonValue, TextChange } from './operation.js';
import { render } from './render.js';
import { ScriptText, type Plan } from './script.js';
import { ownLinesOf, readSyntax, type Syntax } from './syntax.js';
import { applyChanges, ordered } from './text.js';
import { Refusal, removeAt, setAt } from './write.js';

/**
 * The blocks `ids` as a YAML snippet for the clipboard: a map of `id: block`, each block with
 * its own comments (those directly above it and inside it), at column 0, in file order, set apart
 * by blank lines. It is plain YAML: pasting it into a text editor works too.
 */
export function copyBlocks(text: string, ids: readonly string[]): string {
  const script = ScriptText.read(text);
  if (typeof script === 'string') throw new BotflowError('edit.cannot-copy', script);
  const blocks = script.blocks;
  const missing = ids.find((id) => !script.ids.includes(id));
  if (missing !== undefined || !blocks)
    throw new BotflowError('edit.cannot-copy', `there is no block "${missing ?? ids[0] ?? ''}"`);
  const wanted = new Set(ids);
  const snippets = blocks.items.flatMap((pair, index) => {
    const id = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!wanted.has(id)) return [];
    if (blocks.flow) {
      const style = { ...script.syntax.style, eol: '\n' };
      return [`${id}:${render(script.blockData(id) as JsonValue, { kind: 'key', column: 0 }, style)}`];
    }
    return [itemText(script.syntax, blocks, index)];
  });
  return snippets.length === 0 ? '' : `${snippets.join('\n\n')}\n`;
}

/** An item's own lines, moved to column 0, with `\n` line breaks. */
function itemText(syntax: Syntax, map: YAMLMap, index: number): string {
  const { first, last } = ownLinesOf(syntax, map, index);
  const key = map.items[index]?.key as { range?: [number, number, number] } | null;
  const column = syntax.lines.columnOf(key?.range?.[0] ?? 0);
  const lines: string[] = [];
  for (let line = first; line <= last; line += 1) {
    const content = syntax.lines.content(line);
    const indent = syntax.lines.indentOf(line);
    lines.push(content.slice(Math.min(indent, column)).trimEnd());
  }
  return lines.join('\n');
}

const NOT_BLOCKS =
  'the clipboard holds no blocks: copy blocks on the canvas, or YAML such as "greet: { type: message, text: Hi }"';

/**
 * Pastes a copied snippet after `after` (or at the end). A pasted id the script already has gets
 * a fresh one (`ask` → `ask-2`), and the pasted blocks' edges among themselves follow; an edge to a
 * block outside the snippet stays when the script has that block, and is removed otherwise (the
 * way out is left open, not pointed at a block that is not there).
 */
export function pastePlan(script: ScriptText, snippet: string, after: string | undefined): Plan {
  const original = readSnippet(snippet.replaceAll('\r\n', '\n'));
  const copied = Object.keys(original.data);
  const taken = new Set(script.ids);
  const renamed: Record<string, string> = {};
  for (const id of copied) {
    const fresh = script.freshId(id, taken);
    script.checkNewId(fresh);
    taken.add(fresh);
    renamed[id] = fresh;
  }
  // One change at a time, the snippet read again after each: a removal may take its emptied map with it.
  let text = original.syntax.text;
  const apply = (changes: (snippet: ReturnType<typeof readSnippet>) => TextChange[]) => {
    text = applyChanges(text, ordered(changes(readSnippet(text))));
  };
  for (const id of copied) {
    const block = original.data[id];
    const type = isObject(block) ? block.type : undefined;
    const definition = typeof type === 'string' ? blockDefinition(type) : undefined;
    for (const port of definition ? readPorts(definition, block) : []) {
      const target = port.target;
      if (target === undefined) continue;
      const to = renamed[target];
      if (to !== undefined && to !== target)
        apply(({ syntax, root }) => setAt(syntax, root, [id, ...port.path], to));
      if (to === undefined && !script.ids.includes(target))
        apply(({ syntax, root, data }) => removeAt(syntax, root, [id, ...prunedPath(data[id], port.path)]));
    }
  }
  apply(({ syntax, root }) =>
    root.items.flatMap((pair) => {
      const id = isScalar(pair.key) ? String(pair.key.value) : '';
      const to = renamed[id] ?? id;
      return to === id || !isScalar(pair.key) || !pair.key.range
        ? []
        : [
            {
              from: pair.key.range[0],
              to: pair.key.range[1],
              insert: renameKey(syntax.style, pair.key.type, to),
            },
          ];
    }),
  );
  const pasted = readSnippet(text);
  const blocks: NewBlock[] = copied.map((id, index) => {
    const newId = renamed[id] ?? id;
    return {
      id: newId,
      value: pasted.data[newId] as JsonValue,
      text: itemText(pasted.syntax, pasted.root, index),
    };
  });
  const changed = Object.fromEntries(Object.entries(renamed).filter(([id, to]) => id !== to));
  return {
    ...insertBlocks(script, blocks, after),
    ...(blocks[0] && { focus: blocks[0].id }),
    ...(Object.keys(changed).length > 0 && { renamed: changed }),
  };
}

/** A snippet read as a map of blocks (each a map); anything else is refused. */
function readSnippet(text: string): { syntax: Syntax; root: YAMLMap; data: Record<string, unknown> } {
  const syntax = readSyntax(text);
  const root = typeof syntax === 'string' ? undefined : syntax.document.contents;
  if (typeof syntax === 'string' || !isMap(root) || root.items.length === 0 || root.flow)
    throw new Refusal(NOT_BLOCKS);
  const data: unknown = syntax.document.toJS({ maxAliasCount: 100 });
  if (!isObject(data) || !Object.values(data).every(isObject)) throw new Refusal(NOT_BLOCKS);
  return { syntax, root, data };
}
