import { dirname, resolve } from 'node:path';
// The script loader's own modules, not the engine index: `botflow validate` checks case files and must stay quick.
import { readScriptFile } from '../engine/script/load.js';
import { ScriptError, type Position, type ScriptProblem } from '../engine/script/problem.js';
import { readYamlData, validateAt } from '../engine/script/yaml-data.js';
import { caseFileOutline, caseSchema, type CaseData } from './case-schema.js';

/** One case, ready to run: a data-table row already filled in. */
export interface TestCase {
  readonly name: string;
  readonly data: Omit<CaseData, 'each'>;
  readonly position: Position;
  readonly stepPositions: readonly Position[];
}

export interface CaseFile {
  readonly file: string;
  /** The script under test, resolved against the case file's folder. */
  readonly scriptFile: string;
  /** Where the case file names its script (`script:`). */
  readonly scriptPosition: Position;
  readonly cases: readonly TestCase[];
}

/** QA case files are named `*.cases.yaml` (or `.yml`). */
export function isCaseFile(file: string): boolean {
  return /\.cases\.ya?ml$/.test(file);
}

/**
 * Reads a case file; throws a ScriptError carrying every problem, with positions. A case with a
 * data table (`each`) becomes one case per row, its `${name}` placeholders filled in before it is
 * checked, so a row may supply any part of a case — a whole mock answer, say.
 */
export async function loadCaseFile(file: string): Promise<CaseFile> {
  const read = readYamlData(caseFileOutline, await readScriptFile(file), file);
  if ('problems' in read) throw new ScriptError(read.problems);
  const problems: ScriptProblem[] = [];
  const cases = read.data.cases.flatMap((raw, index): TestCase[] => {
    const at = ['cases', index] as const;
    const position = read.locate(at);
    const { each, ...template } = raw;
    let table: (Readonly<Record<string, unknown>> | undefined)[] = [undefined];
    if (each !== undefined) {
      // Checked as the case's field, so a problem names "each" rather than the whole file.
      const rows = validateAt(caseSchema.pick({ each: true }), { each }, read.locate, at);
      if ('problems' in rows) {
        problems.push(...rows.problems);
        return [];
      }
      table = rows.data.each ?? table;
    }
    return table.flatMap((row, i) => {
      const filled = row === undefined ? template : fill(template, row);
      const checked = validateAt(caseSchema, filled, read.locate, at);
      if ('problems' in checked) {
        problems.push(...checked.problems);
        return [];
      }
      const data = checked.data;
      const name = row !== undefined && data.name === template.name ? `${data.name} [${i + 1}]` : data.name;
      const stepPositions = data.steps.map((_, step) => read.locate([...at, 'steps', step]));
      return [{ name, data: { ...data, name }, position, stepPositions }];
    });
  });
  const scriptFile = resolve(dirname(file), read.data.script);
  const scriptPosition = read.locate(['script']);
  // A script that cannot be read is the case file's mistake: point at its `script:` line.
  const unreadable = await readScriptFile(scriptFile).then(
    () => undefined,
    (error: unknown) => (error instanceof ScriptError ? error.problems[0] : undefined),
  );
  if (unreadable) {
    problems.push({
      ...scriptPosition,
      severity: 'error',
      code: unreadable.code,
      message: `the script ${read.data.script} cannot be read: ${unreadable.message}`,
    });
  }
  if (problems.length > 0)
    throw new ScriptError(uniqueProblems(problems).sort((a, b) => a.line - b.line || a.column - b.column));
  return { file, scriptFile, scriptPosition, cases };
}

/** One problem per place and message: a broken template reports once, not once per row. */
function uniqueProblems(problems: readonly ScriptProblem[]): ScriptProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Fills `${name}` from a data-table row in every string of a case. A string that is exactly one
 * placeholder takes the row's value with its type (so `age: ${age}` can expect the number 23).
 */
function fill(value: unknown, row: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value)?.[1];
    if (whole !== undefined && Object.hasOwn(row, whole)) return row[whole];
    return value.replace(PLACEHOLDER, (text, name: string) =>
      Object.hasOwn(row, name)
        ? typeof row[name] === 'string'
          ? row[name]
          : JSON.stringify(row[name])
        : text,
    );
  }
  if (Array.isArray(value)) return value.map((item) => fill(item, row));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item, row)]));
  }
  return value;
}
