import type { Block } from '../../blocks/registry.js';
import type { BlockDefinition, Source } from '../block-api/contract.js';
import type { CompiledExpression } from '../expression/types.js';
import type { YamlPath } from './yaml-path.js';
import type { LoadCode } from '../codes.js';
import { compileExpression } from '../expression/index.js';
import { SYSTEM_VARIABLES } from '../names.js';
import { parseTemplate, templateVariables } from '../template/index.js';
import type { GraphNode } from './graph.js';
import { didYouMean } from './suggest.js';

interface SourceFinding {
  readonly path: (string | number)[];
  readonly offset?: number;
  readonly severity: 'error' | 'warning';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

/** Parses one expression or template; returns the variables it reads, or its problems. */
function read(
  source: Source,
): { variables: readonly string[] } | { problems: { message: string; offset?: number }[] } {
  if (source.kind === 'expression') {
    const compiled = compileExpression(source.text);
    return compiled.ok ? { variables: compiled.variables } : { problems: [compiled] };
  }
  const template = parseTemplate(source.text);
  return Array.isArray(template) ? { problems: template } : { variables: templateVariables(template) };
}

/**
 * The expressions of a source that parse, each with the offset in the source's text it starts at:
 * the source itself, or a template's placeholders. What does not parse is `read`'s to report.
 */
export function expressionsOf(source: Source): { compiled: CompiledExpression; at: number }[] {
  if (source.kind === 'expression') {
    const compiled = compileExpression(source.text);
    return compiled.ok ? [{ compiled, at: 0 }] : [];
  }
  const template = parseTemplate(source.text);
  if (Array.isArray(template)) return [];
  return template.parts.flatMap((part) => {
    if (part.kind !== 'placeholder') return [];
    const at = source.text.indexOf(part.expression.source, part.offset);
    return [{ compiled: part.expression, at: at < 0 ? part.offset : at }];
  });
}

/** Every variable a script has: declared under `variables:`, the system's, and any a block sets. */
export function knownVariables(
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
): Set<string> {
  const known = new Set<string>([...Object.keys(declared), ...SYSTEM_VARIABLES]);
  for (const [id, block] of blocks)
    for (const { name } of nodes.get(id)?.definition.writes(block) ?? []) known.add(name);
  return known;
}

/**
 * Parses every expression and template of every block (so a typo is a load error with its line
 * and column), and warns about variables that nothing declares or sets: they render as empty text.
 */
export function checkSources(
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
): SourceFinding[] {
  const known = knownVariables(declared, nodes, blocks);
  const findings: SourceFinding[] = [];
  for (const [id, block] of blocks) {
    for (const source of nodes.get(id)?.definition.sources(block) ?? []) {
      const path = ['blocks', id, ...source.path];
      const result = read(source);
      if ('problems' in result) {
        findings.push(...parseFindings(source, path, result.problems));
        continue;
      }
      for (const name of result.variables) {
        if (known.has(name) || source.locals?.includes(name)) continue;
        findings.push({
          path,
          severity: 'warning',
          code: 'variable.undeclared',
          message: `variable "${name}" is never declared or set, so it reads as empty text`,
          hint: didYouMean(name, known) ?? 'declare it under variables: with a default',
        });
      }
    }
  }
  return findings;
}

/**
 * The parse errors of the expressions and templates in a block that failed its schema, so that
 * one run reports them beside the schema's problems. The block's own `sources` finds them, given
 * the raw YAML value: it was written for a valid block, so a part it cannot walk (a list that is
 * not a list) is given up, and only texts that really stand in the YAML at their path are read.
 */
export function checkSourcesOfInvalidBlock(
  id: string,
  definition: BlockDefinition,
  raw: Readonly<Record<string, unknown>>,
): SourceFinding[] {
  let sources: Source[];
  try {
    sources = definition.sources(raw as { type: string });
  } catch {
    return [];
  }
  return sources.flatMap((source) => {
    if (typeof source.text !== 'string' || valueAt(raw, source.path) !== source.text) return [];
    const result = read(source);
    return 'problems' in result ? parseFindings(source, ['blocks', id, ...source.path], result.problems) : [];
  });
}

function parseFindings(
  source: Source,
  path: (string | number)[],
  problems: readonly { message: string; offset?: number }[],
): SourceFinding[] {
  return problems.map((problem) => ({
    path,
    ...(problem.offset !== undefined && { offset: problem.offset }),
    severity: 'error',
    code: source.kind === 'expression' ? 'expression.invalid' : 'template.invalid',
    message: `${source.kind === 'expression' ? 'expression' : 'template'}: ${problem.message}`,
  }));
}

function valueAt(value: unknown, path: YamlPath): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
