import { isScalar, LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import type { LoadCode } from '../codes.js';
import type { ScriptProblem } from './problem.js';

export interface YamlLimits {
  /** The largest file read, in bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** The most alias expansions (`*name`) allowed, against billion-laughs files (default 100). */
  readonly maxAliasCount?: number;
}

export interface YamlSource {
  readonly file: string;
  readonly text: string;
  readonly document: Document.Parsed;
  readonly lineCounter: LineCounter;
  readonly value: unknown;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * The first stage: text → YAML document and plain value, bounded in size and alias expansion.
 * Every YAML problem (syntax, duplicate keys, nesting too deep) comes back as a ScriptProblem.
 */
export function readYaml(file: string, text: string, limits: YamlLimits = {}): YamlSource | ScriptProblem[] {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes) {
    return [
      problem(file, 1, 1, 'yaml.too-large', `the file is ${bytes} bytes, over the limit of ${maxBytes}`),
    ];
  }
  const lineCounter = new LineCounter();
  try {
    const document = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      uniqueKeys: true,
      version: '1.2',
    });
    if (document.errors.length > 0) {
      return document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        const { code, message } = yamlProblem(error);
        return problem(file, line, col, code, message);
      });
    }
    const prototypeKeys = findPrototypeKeys(document).map((offset) => {
      const { line, col } = lineCounter.linePos(offset);
      return problem(
        file,
        line,
        col,
        'yaml.forbidden-key',
        'the key __proto__ is not allowed anywhere in a script',
      );
    });
    if (prototypeKeys.length > 0) return prototypeKeys;
    const value: unknown = document.toJS({ maxAliasCount: limits.maxAliasCount ?? 100 });
    return { file, text, document, lineCounter, value };
  } catch (error) {
    // yaml throws a ReferenceError on alias bombs; a RangeError would be nesting beyond the stack.
    const message =
      error instanceof ReferenceError
        ? 'the file expands too many aliases (*name), which is refused as a resource attack'
        : error instanceof RangeError
          ? 'the file is nested too deeply to read'
          : `the file could not be read as YAML (${error instanceof Error ? error.message : String(error)})`;
    return [problem(file, 1, 1, 'yaml.too-complex', message)];
  }
}

/** `__proto__` keys, refused before any object is built from the document: no later copy can turn one into a prototype. */
function findPrototypeKeys(document: Document.Parsed): number[] {
  const offsets: number[] = [];
  visit(document, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__') offsets.push(pair.key.range?.[0] ?? 0);
    },
  });
  return offsets;
}

/** The parser's error in botflow's codes and words: the parser's own codes are not botflow's to promise. */
function yamlProblem(error: YAMLError): { code: LoadCode; message: string } {
  if (/call stack/i.test(error.message))
    return { code: 'yaml.too-complex', message: 'the file is nested too deeply to read' };
  if (error.code === 'DUPLICATE_KEY')
    return { code: 'yaml.duplicate-key', message: 'this key appears twice in the same map' };
  return { code: 'yaml.syntax', message: `YAML syntax: ${error.message.split('\n')[0] ?? error.message}` };
}

function problem(file: string, line: number, column: number, code: LoadCode, message: string): ScriptProblem {
  return { severity: 'error', file, line, column, path: '', code, message };
}
