import type { YamlPath } from '../script/yaml-path.js';

const SEGMENT = /^(?:\.?([A-Za-z_][\w-]*)|\.?("(?:[^"\\]|\\.)*")|\[(\d+)\])/;

/**
 * A path in formatPath's notation (`branches[0].next`, `on."404"`, `headers.X-Api-Key`) read
 * back; undefined when it is not one.
 */
export function parsePath(text: string): YamlPath | undefined {
  const path: (string | number)[] = [];
  let rest = text;
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    // A key needs its dot, except the first; an index never comes first.
    if (!match || (path.length > 0 !== rest.startsWith('.') && match[3] === undefined)) return undefined;
    if (path.length === 0 && match[3] !== undefined) return undefined;
    const [whole, key, quoted, index] = match;
    if (key !== undefined) path.push(key);
    else if (index !== undefined) path.push(Number(index));
    else path.push(JSON.parse(quoted ?? '""') as string);
    rest = rest.slice(whole.length);
  }
  return path.length > 0 ? path : undefined;
}
