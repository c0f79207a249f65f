import { isMap, isScalar, type Document, type YAMLMap } from 'yaml';
import { blockDefinition, blockDefinitions } from '../../blocks/registry.js';
import { BLOCK_ID } from '../script/fields.js';
import { formatPath, type YamlPath } from '../script/yaml-path.js';
import { insertBlocks, keyOf, renameKey } from './blocks.js';
import { pastePlan } from './copy.js';
import { deleteDeep, hasPath, isObject, nest, prunedPath, rootOf, setDeep } from './data.js';
import type { EditContext, EditOperation, EditResult, JsonValue, TextChange } from './operation.js';
import { render } from './render.js';
import { parsePath } from './path.js';
import { pathTo, ScriptText, UNCHANGED, verified, type Plan } from './script.js';
import { entryOf, ownLinesOf } from './syntax.js';
import { Refusal, removeAt, removeLines, setAt } from './write.js';

/**
 * Applies a canvas operation to a script's YAML text at the level of its concrete syntax: only
 * the lines the operation concerns change, and everything else (comments, blank lines, quotes,
 * key order, indentation, flow or block style) stays byte for byte. The result is checked: the
 * new text parses and holds exactly the data the operation means, else the operation is refused.
 */
export function editScript(text: string, operation: EditOperation, context: EditContext = {}): EditResult {
  const script = ScriptText.read(text, context);
  if (typeof script === 'string') return { ok: false, message: script };
  try {
    return verified(script, planOf(script, operation));
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    throw error;
  }
}

function planOf(script: ScriptText, operation: EditOperation): Plan {
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
    case 'set-script-field':
      return setScriptField(script, operation.path, operation.value);
    case 'set-entry':
      return setEntry(script, operation.entry, operation.to);
    case 'paste':
      return pastePlan(script, operation.blocks, operation.after);
  }
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
    { from: key.range[0], to: key.range[1], insert: renameKey(syntax.style, key.type, to) },
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
  if (!root) return script.writtenFirst(`${entry}: ${to}`, expect);
  return { changes: setAt(syntax, root, [entry], to, script.rootOrder()), expect };
}

/** The script's own fields the form sets; `start` and `on_error` are set as entries, `blocks` block by block. */
const SCRIPT_FIELDS = ['name', 'description', 'variables', 'env'];
/** The script's fields that are maps a form sets entry by entry (`variables.city`, `env.CRM_URL`). */
const SCRIPT_MAPS = ['variables', 'env'];

function setScriptField(script: ScriptText, field: string, value: JsonValue | undefined): Plan {
  const path = parsePath(field);
  const [key, name, ...deeper] = path ?? [];
  if (!path || typeof key !== 'string' || !SCRIPT_FIELDS.includes(key))
    throw new Refusal(`"${field}" is not a field of the script the form sets: ${SCRIPT_FIELDS.join(', ')}`);
  // `name` and `description` are texts, `variables` a map of names to values, `env` a list of
  // names or a map of names to descriptions: nothing deeper.
  const shaped =
    deeper.length === 0 &&
    (SCRIPT_MAPS.includes(key) ? name === undefined || typeof name === 'string' : name === undefined);
  if (!shaped) throw new Refusal(`"${field}" is not a field of the script: ${key} has no parts to set`);
  const { syntax } = script;
  const root = script.root;
  if (value === undefined) {
    if (!root || !hasPath(script.data, path)) return UNCHANGED;
    return {
      changes: removeAt(syntax, root, prunedPath(script.data, path)),
      expect: (document) => {
        deleteDeep(rootOf(document), prunedPath(script.data, path));
      },
    };
  }
  const expect = (document: Document) => {
    setDeep(document, rootOf(document), path, value);
  };
  if (root) return { changes: setAt(syntax, root, path, value, script.rootOrder()), expect };
  // A file with nothing in it: the header first, the field (unless it is the name) after it.
  const [, ...rest] = path;
  if (key === 'name') return script.writtenFirst('', expect, nest(rest, value));
  return script.writtenFirst(
    `${key}:${render(nest(rest, value), { kind: 'key', column: 0 }, syntax.style)}`,
    expect,
  );
}
