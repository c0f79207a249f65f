import type * as z from 'zod';
import type { YamlPath } from './yaml-path.js';
import { locate } from './locate.js';
import type { Position, ScriptProblem } from './problem.js';
import { readYaml, type YamlLimits } from './read-yaml.js';
import { explainIssues } from './zod-issues.js';

export interface YamlData<T> {
  readonly data: T;
  /** Where the node at `path` is written in the file. */
  readonly locate: (path: YamlPath) => Position;
}

/**
 * Any YAML file against a zod schema, with the script loader's guarantees: bounded reading, and
 * every problem as a value with its file, line, column, path and a designer's message. QA case
 * files use it; so could any other YAML the tools read.
 */
export function readYamlData<Schema extends z.ZodType>(
  schema: Schema,
  text: string,
  file: string,
  limits: YamlLimits = {},
): YamlData<z.output<Schema>> | { problems: ScriptProblem[] } {
  const source = readYaml(file, text, limits);
  if (Array.isArray(source)) return { problems: source };
  const where = (path: YamlPath, atKey = false) => locate(source, path, atKey);
  const checked = validateAt(schema, source.value, where);
  return 'problems' in checked ? checked : { data: checked.data, locate: where };
}

/**
 * Checks a value against a schema, placing each problem with `where` — for a value that came
 * from the file but was changed before the check (QA fills data-table rows into a case first),
 * `where` maps paths back into the file, under `prefix`.
 */
export function validateAt<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  where: (path: YamlPath, atKey?: boolean) => Position,
  prefix: YamlPath = [],
): { data: z.output<Schema> } | { problems: ScriptProblem[] } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { data: parsed.data };
  const problems = explainIssues(schema, value, parsed.error.issues).map((issue): ScriptProblem => ({
    ...where([...prefix, ...issue.path], issue.atKey),
    severity: 'error',
    code: issue.code,
    message: issue.message,
    ...(issue.hint !== undefined && { hint: issue.hint }),
  }));
  return { problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
}
