import { isMap, isScalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { blockDefinition, blockDefinitions } from '../../blocks/registry.js';
import { BLOCK_ID } from '../script/fields.js';
import { formatPath, type YamlPath } from '../script/yaml-path.js';
import { deleteDeep, isObject, nest, prunedPath, setDeep } from './data.js';
import type { EditOperation, EditResult, JsonValue, TextChange } from './operation.js';
import { parsePath } from './path.js';
import { render, renderKey } from './render.js';
import { pathTo, ScriptText, UNCHANGED, verified, type Plan } from './script.js';
import { colonEndOf, contentEndOf, entryOf, ownLinesOf } from './syntax.js';
import { insertLines, Refusal, removeAt, removeLines, rewriteFlow, setAt } from './write.js';

/**
 * Applies a canvas operation to a script's YAML text at the level of its concrete syntax: only
 * the lines the operation concerns change, and everything else (comments, blank lines, quotes,
 * key order, indentation, flow or block style) stays byte for byte. The result is checked: the
 * new text parses and holds exactly the data the operation means, else the operation is refused.
 */
export function editScript(text: string, operation: EditOperation): EditResult {
  const script = ScriptText.read(text);
  if (typeof script === 'string') return { ok: false, message: script };
  try {
    return verified(script, planOf(script, operation));
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

export function planOf(script: ScriptText, operation: EditOperation): Plan {
  switch (operation.kind) {
    case 'add-block':
      return addBlock(script, operation.type, operation.id, operation.after);
    case 'delete-block':
      return deleteBlock(script, operation.id);
    case 'rename-block':
      return renameBlock(script, operation.id, operation.to);
    case 'connect':
      return connect(script, operation.block, operation.port, operation.to);
    case 'disconnect':
      return disconnect(script, operation.block, operation.port);
    case 'add-way':
      return addWay(script, operation.block, operation.way, operation.name, operation.to);
    case 'remove-way':
      return removeWay(script, operation.block, operation.port);
    case 'set-field':
      return setField(script, operation.block, operation.path, operation.value);
    case 'set-entry':
      return setEntry(script, operation.entry, operation.to);
    case 'paste':
      throw new Refusal('pasting is not available yet');
  }
}

/** A block, new or pasted: its id, its data, and its own text (with comments) when it has one. */
export interface NewBlock {
  readonly id: string;
  readonly value: JsonValue;
  /** The block's lines as copied (`id:` at column 0), written as they are, indented for the file. */
  readonly text?: string;
}

function addBlock(script: ScriptText, type: string, id: string | undefined, after: string | undefined): Plan {
  const definition = blockDefinition(type);
  if (!definition)
    throw new Refusal(
      `there is no block type "${type}": the types are ${Object.keys(blockDefinitions).join(', ')}`,
    );
  const newId = id ?? script.freshId(type);
  script.checkNewId(newId);
  return { ...insertBlocks(script, [{ id: newId, value: definition.skeleton }], after), focus: newId };
}

/**
 * New blocks written into the script: after `after` (or the last block), at the blocks' column,
 * set apart by a blank line when the file sets its blocks apart. A script without blocks gets its
 * `blocks:`.
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
  return { changes: [insertLines(syntax, at, 'blocks:' + eol + linesAt(unit, true))], expect };
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

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function rootOf(document: Document): YAMLMap {
  if (!isMap(document.contents)) document.contents = document.createNode({});
  return document.contents as YAMLMap;
}

function blocksOf(script: ScriptText): YAMLMap {
  const blocks = script.blocks;
  if (!blocks) throw new Refusal('the script has no blocks');
  return blocks;
}

function deleteBlock(script: ScriptText, id: string): Plan {
  const { index } = script.block(id);
  const map = blocksOf(script);
  const { syntax } = script;
  const expect = (document: Document) => {
    deleteDeep(rootOf(document), pathTo(id));
  };
  if (map.flow || map.items.length === 1) return { changes: removeAt(syntax, map, [id]), expect };
  const { lines } = syntax;
  let { first, last } = ownLinesOf(syntax, map, index);
  // One blank line between blocks goes with the block: the one after it, or before the last block.
  let after = 0;
  while (last + after + 1 < lines.count - 1 && lines.isBlank(last + after + 1)) after += 1;
  let before = 0;
  while (first - before - 1 >= 0 && lines.isBlank(first - before - 1)) before += 1;
  if (index + 1 < map.items.length) last += after;
  else if (index > 0) first -= before;
  return { changes: [removeLines(syntax, first, last)], expect };
}

function renameBlock(script: ScriptText, id: string, to: string): Plan {
  script.block(id);
  if (to === id) return UNCHANGED;
  script.checkNewId(to);
  const { syntax } = script;
  const blocks = blocksOf(script);
  const entry = entryOf(blocks, id);
  const key = entry?.pair.key;
  if (!isScalar(key) || !key.range) throw new Refusal(`the block "${id}" has a key the canvas cannot rename`);
  const changes: TextChange[] = [
    { from: key.range[0], to: key.range[1], insert: renameKey(script, key.type, to) },
  ];
  const references: YamlPath[] = [];
  for (const other of script.ids) {
    for (const port of script.ports(other)) {
      if (port.target === id) references.push(pathTo(other, port.path));
    }
  }
  for (const entryName of ['start', 'on_error']) {
    if (script.data[entryName] === id) references.push([entryName]);
  }
  const root = script.root;
  if (!root) throw new Refusal('the script has no top level');
  for (const path of references) changes.push(...setAt(syntax, root, path, to));
  return {
    changes,
    focus: to,
    expect: (document) => {
      // References first: a block's references to itself are found under its old id.
      for (const path of references) setDeep(document, rootOf(document), path, to);
      const map = rootOf(document).get('blocks', true);
      const pair = isMap(map) ? map.items.find((item) => keyOf(item) === id) : undefined;
      if (pair) pair.key = document.createNode(to);
    },
  };
}

/** A block's key renamed in its own quotes (an id has no character a quote would escape). */
function renameKey(script: ScriptText, type: string | undefined, to: string): string {
  if (type === 'QUOTE_SINGLE') return `'${to}'`;
  if (type === 'QUOTE_DOUBLE') return `"${to}"`;
  return renderKey(to, script.syntax.style);
}

/** The block's port named by `port`, as its module lists it. */
function portOf(script: ScriptText, block: string, port: string) {
  const path = parsePath(port);
  const found =
    path && script.ports(block).find((candidate) => formatPath(candidate.path) === formatPath(path));
  if (!found) throw new Refusal(`the block "${block}" has no way out "${port}"`);
  return found;
}

function checkTarget(to: string): void {
  if (to.length > 64 || !BLOCK_ID.test(to)) throw new Refusal(`"${to}" is not a block id`);
}

function setInBlock(script: ScriptText, block: string, path: YamlPath, value: JsonValue): Plan {
  const blocks = blocksOf(script);
  return {
    changes: setAt(script.syntax, blocks, [block, ...path], value, script.order(block)),
    expect: (document) => {
      setDeep(document, rootOf(document), pathTo(block, path), value);
    },
  };
}

function removeInBlock(script: ScriptText, block: string, path: YamlPath): Plan {
  const pruned = prunedPath(script.blockData(block), path);
  return {
    changes: removeAt(script.syntax, blocksOf(script), [block, ...pruned]),
    expect: (document) => {
      deleteDeep(rootOf(document), pathTo(block, pruned));
    },
  };
}

function connect(script: ScriptText, block: string, port: string, to: string): Plan {
  checkTarget(to);
  return setInBlock(script, block, portOf(script, block, port).path, to);
}

function disconnect(script: ScriptText, block: string, port: string): Plan {
  const found = portOf(script, block, port);
  if (found.target === undefined && !hasPath(script.blockData(block), found.path)) return UNCHANGED;
  return removeInBlock(script, block, found.path);
}

function hasPath(data: unknown, path: YamlPath): boolean {
  let value = data;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === 'number' && key < value.length) value = value[key] as unknown;
    else if (isObject(value) && typeof key === 'string' && Object.hasOwn(value, key)) value = value[key];
    else return false;
  }
  return true;
}

function addWay(
  script: ScriptText,
  block: string,
  way: 'branch' | 'choice' | 'outcome',
  name: string | undefined,
  to: string | undefined,
): Plan {
  const { data, definition } = script.block(block);
  if (!definition?.newWay || !(definition.adds ?? []).includes(way))
    throw new Refusal(`the block "${block}" takes no new ${way}`);
  if (to !== undefined) checkTarget(to);
  let added: ReturnType<NonNullable<typeof definition.newWay>>;
  try {
    added = definition.newWay(data as { type: string }, way, name);
  } catch {
    throw new Refusal(
      `the block "${block}" is not written so that a ${way} can be added; fix it in the YAML`,
    );
  }
  if (typeof added === 'string') throw new Refusal(added);
  const inside = added.port.slice(added.path.length);
  const value =
    to === undefined ? added.value : inside.length === 0 ? to : withValue(added.value, inside, to);
  return { ...setInBlock(script, block, added.path, value), port: formatPath(added.port) };
}

function withValue(value: JsonValue, path: YamlPath, inner: JsonValue): JsonValue {
  const [key, ...rest] = path;
  if (key === undefined) return inner;
  const base = isObject(value) ? (value as Record<string, JsonValue>) : {};
  if (typeof key === 'number') return nest(path, inner);
  return { ...base, [key]: withValue(base[key] ?? null, rest, inner) };
}

function removeWay(script: ScriptText, block: string, port: string): Plan {
  const found = portOf(script, block, port);
  if (!found.way) throw new Refusal(`the way out "${port}" of "${block}" cannot be removed`);
  return removeInBlock(script, block, found.way);
}

function setField(script: ScriptText, block: string, field: string, value: JsonValue | undefined): Plan {
  script.block(block);
  const path = parsePath(field);
  if (!path) throw new Refusal(`"${field}" is not a field path such as text or retry.attempts`);
  if (value === undefined) {
    return hasPath(script.blockData(block), path) ? removeInBlock(script, block, path) : UNCHANGED;
  }
  return setInBlock(script, block, path, value);
}

function setEntry(script: ScriptText, entry: 'start' | 'on_error', to: string | undefined): Plan {
  const { syntax } = script;
  const root = script.root;
  if (to === undefined) {
    if (!root || !(entry in script.data)) return UNCHANGED;
    return {
      changes: removeAt(syntax, root, [entry]),
      expect: (document) => {
        deleteDeep(rootOf(document), [entry]);
      },
    };
  }
  checkTarget(to);
  const expect = (document: Document) => {
    setDeep(document, rootOf(document), [entry], to);
  };
  if (!root) return { changes: [insertLines(syntax, syntax.text.length, `${entry}: ${to}`)], expect };
  return { changes: setAt(syntax, root, [entry], to, script.rootOrder()), expect };
}
