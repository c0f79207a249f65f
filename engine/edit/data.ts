import { isCollection, isMap, isScalar, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import type { YamlPath } from '../script/yaml-path.js';
import type { JsonValue } from './operation.js';
import type { Collection } from './syntax.js';

/*
 * The same changes as the text edits make, made through the yaml Document API on nodes: what an
 * edit is checked against, and how a flow collection (`{ a: 1 }`) is rewritten whole.
 */

/** The document's top-level map, made when the document has none yet. */
export function rootOf(document: Document): YAMLMap {
  if (!isMap(document.contents)) document.contents = document.createNode({});
  return document.contents as YAMLMap;
}

/** `value` under the rest of a path that does not exist yet: `['on', 'invalid']`, x → `{ on: { invalid: x } }`. */
export function nest(path: YamlPath, value: JsonValue): JsonValue {
  return path.reduceRight<JsonValue>(
    (inner, key) => (typeof key === 'number' ? [inner] : { [key]: inner }),
    value,
  );
}

/** Sets `path` under `root`, creating what is missing and replacing a scalar found on the way. */
export function setDeep(document: Document, root: Collection, path: YamlPath, value: JsonValue): void {
  let node: Collection = root;
  for (const [i, key] of path.entries()) {
    const child: unknown = node.get(key, true);
    if (i < path.length - 1 && isCollection(child)) {
      node = child;
      continue;
    }
    const written = i === path.length - 1 ? value : nest(path.slice(i + 1), value);
    setChild(document, node, key, document.createNode(written));
    return;
  }
}

function setChild(document: Document, node: Collection, key: string | number, value: Node): void {
  if (isSeq(node)) {
    if (key === node.items.length) node.items.push(value);
    else node.set(key, value);
    return;
  }
  const pair = node.items.find(
    (item) => String((item.key as { value?: unknown } | null)?.value) === String(key),
  );
  if (pair) pair.value = value;
  else node.items.push(document.createPair(key, value));
}

/**
 * A collection's nodes changed to hold `value`: keys it lacks removed, items past its length
 * dropped, the rest merged, so what stays keeps its own nodes (and their quotes).
 */
export function mergeNode(document: Document, node: Collection, value: JsonValue): void {
  if (isMap(node) && isObject(value)) {
    node.items = node.items.filter((pair) => Object.hasOwn(value, keyText(pair.key)));
    for (const [key, item] of Object.entries(value as Readonly<Record<string, JsonValue>>)) {
      mergeChild(document, node, key, item);
    }
    return;
  }
  if (isSeq(node) && Array.isArray(value)) {
    node.items = node.items.slice(0, value.length);
    for (const [index, item] of (value as readonly JsonValue[]).entries()) {
      mergeChild(document, node, index, item);
    }
  }
}

/** A child kept when it can hold the value (a scalar keeps its quotes), else written anew. */
function mergeChild(document: Document, node: Collection, key: string | number, value: JsonValue): void {
  const child: unknown = node.get(key, true);
  if (isScalar(child) && (typeof value !== 'object' || value === null)) child.value = value;
  else if (
    isCollection(child) &&
    isMap(child) === isObject(value) &&
    typeof value === 'object' &&
    value !== null
  )
    mergeNode(document, child, value);
  else setChild(document, node, key, document.createNode(value));
}

function keyText(key: unknown): string {
  return String((key as { value?: unknown } | null)?.value ?? key);
}

/** Removes `path` under `root` (a list item is spliced out). */
export function deleteDeep(root: Collection, path: YamlPath): void {
  const parent = path.length > 1 ? root.getIn(path.slice(0, -1), true) : root;
  const key = path.at(-1);
  if (key === undefined || !isCollection(parent)) return;
  if (isMap(parent)) {
    const index = parent.items.findIndex(
      (item) => String((item.key as { value?: unknown } | null)?.value) === String(key),
    );
    if (index !== -1) parent.items.splice(index, 1);
  } else if (typeof key === 'number') {
    parent.items.splice(key, 1);
  }
}

/**
 * What a removal takes with it: a map or list left empty goes too (`on: { invalid: x }` loses
 * `on`), up to the block itself and never a list's item. `data` is the block's data.
 */
export function prunedPath(data: unknown, path: YamlPath): YamlPath {
  let pruned = path;
  while (pruned.length > 1) {
    const parentPath = pruned.slice(0, -1);
    const parent = valueAt(data, parentPath);
    const size = Array.isArray(parent) ? parent.length : isObject(parent) ? Object.keys(parent).length : 0;
    const inList = typeof parentPath.at(-1) === 'number';
    if (size !== 1 || inList) break;
    pruned = parentPath;
  }
  return pruned;
}

/** The path is written in the data, with a value or without one (`next:`). */
export function hasPath(data: unknown, path: YamlPath): boolean {
  const parent = valueAt(data, path.slice(0, -1));
  const key = path.at(-1);
  if (Array.isArray(parent)) return typeof key === 'number' && key < parent.length;
  return isObject(parent) && typeof key === 'string' && Object.hasOwn(parent, key);
}

function valueAt(data: unknown, path: YamlPath): unknown {
  let value = data;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === 'number') value = value[key] as unknown;
    else if (isObject(value) && typeof key === 'string' && Object.hasOwn(value, key)) value = value[key];
    else return undefined;
  }
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
