import type { Block } from '../../blocks/registry.js';
import type { Source } from '../../blocks/types.js';
import { compileExpression } from '../expression/index.js';
import { SYSTEM_VARIABLES } from '../names.js';
import { parseTemplate, templateVariables } from '../template/index.js';
import type { GraphNode } from './graph.js';
import { didYouMean } from './suggest.js';

interface SourceFinding {
  readonly path: (string | number)[];
  readonly offset?: number;
  readonly severity: 'error' | 'warning';
  readonly code: string;
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
 * Parses every expression and template of every block (so a typo is a load error with its line
 * and column), and warns about variables that nothing declares or sets: they render as empty text.
 */
export function checkSources(
  declared: Readonly<Record<string, unknown>>,
  nodes: ReadonlyMap<string, GraphNode>,
  blocks: ReadonlyMap<string, Block>,
): SourceFinding[] {
  const known = new Set<string>([...Object.keys(declared), ...SYSTEM_VARIABLES]);
  for (const [id, block] of blocks)
    for (const name of nodes.get(id)?.definition.writes(block) ?? []) known.add(name);

  const findings: SourceFinding[] = [];
  for (const [id, block] of blocks) {
    for (const source of nodes.get(id)?.definition.sources(block) ?? []) {
      const path = ['blocks', id, ...source.path];
      const result = read(source);
      if ('problems' in result) {
        for (const problem of result.problems) {
          findings.push({
            path,
            ...(problem.offset !== undefined && { offset: problem.offset }),
            severity: 'error',
            code: source.kind === 'expression' ? 'expression.invalid' : 'template.invalid',
            message: `${source.kind === 'expression' ? 'expression' : 'template'}: ${lowerFirst(problem.message)}`,
          });
        }
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

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
