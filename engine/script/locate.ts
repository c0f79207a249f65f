import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { Position } from './problem.js';
import type { YamlSource } from './read-yaml.js';
import { formatPath, type YamlPath } from './yaml-path.js';

/**
 * The position of the node at `path` — of its key when `atKey` (for unknown fields, whose value
 * is not the problem) — or of the deepest ancestor that exists, for a missing field.
 */
export function locate(source: YamlSource, path: YamlPath, atKey = false): Position {
  let node: unknown = source.document.contents;
  let offset = rangeStart(node) ?? 0;
  for (const [index, segment] of path.entries()) {
    let key: unknown;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
      );
      key = pair?.key;
      next = pair?.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    }
    if (next === undefined && key === undefined) break;
    offset = (atKey && index === path.length - 1 ? rangeStart(key) : rangeStart(next ?? key)) ?? offset;
    node = next;
  }
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, column: col, path: formatPath(path) };
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/** The YAML node at `path`, when it is a scalar written in the file (for offsets inside it). */
export function scalarAt(
  source: YamlSource,
  path: YamlPath,
): { offset: number; quoted: boolean } | undefined {
  const node = source.document.getIn(path, true);
  if (!isScalar(node) || !node.range) return undefined;
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const offset = node.range[0] + (quoted ? 1 : 0);
  // Offsets inside the value are file offsets only where the file spells the value out as is
  // (no escapes, no folded lines); elsewhere the problem points at the value's start.
  const value = String(node.value);
  const exact =
    (quoted || node.type === 'PLAIN') && source.text.slice(offset, offset + value.length) === value;
  return exact ? { offset, quoted } : undefined;
}
