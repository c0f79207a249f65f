import { access } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { quote } from '../../channels/error.js';
import { HttpError } from '../../channels/http/errors.js';
import { formatProblem, ScriptError, type ScriptProblem } from '../../engine/index.js';
import { loadCaseFile, type CaseFile, type TestCase } from '../../qa/load-cases.js';
import type { CoverageProblem, StudioCase, StudioCases } from '../protocol.js';
import type { StudioContext } from './context.js';
import { scriptStem } from './disk.js';

/**
 * One of the studio's case files as far as it can be read: its cases, the problems that keep it
 * from loading, or the other script it tests (its cases would measure another graph).
 */
export type CaseFileRead = { readonly file: string } & (
  | { readonly loaded: CaseFile }
  | { readonly problems: readonly ScriptProblem[] }
  | { readonly foreign: CoverageProblem }
);

/** `order.yaml` → `order.cases.yaml`, beside it. */
export function caseFileBeside(script: string): string {
  return `${scriptStem(script)}.cases.yaml`;
}

/** The studio's case files now: the one beside the script joins them once it exists. */
export async function caseFilesNow(context: StudioContext): Promise<readonly string[]> {
  const beside = context.casesBeside;
  if (beside === undefined || isCaseFile(context, beside)) return context.caseFiles;
  const exists = await access(beside).then(
    () => true,
    () => false,
  );
  // Taken in only if still missing after the wait: another request may have taken it meanwhile.
  if (exists) takeCaseFile(context, beside);
  return context.caseFiles;
}

/** The file is one of the studio's case files, however its path is written (`./x.cases.yaml`, `x.cases.yaml`). */
function isCaseFile(context: StudioContext, file: string): boolean {
  return context.caseFiles.some((listed) => resolve(listed) === resolve(file));
}

/** Makes the file one of the studio's case files, once. */
export function takeCaseFile(context: StudioContext, file: string): void {
  if (!isCaseFile(context, file)) context.caseFiles.push(file);
}

/** Reads one of the studio's case files afresh: the designer may have edited it. */
export async function readCaseFile(context: StudioContext, file: string): Promise<CaseFileRead> {
  try {
    const loaded = await loadCaseFile(file);
    if (resolve(loaded.scriptFile) === resolve(context.file)) return { file, loaded };
    const { line, column } = loaded.scriptPosition;
    const name = (path: string) => relative(process.cwd(), path);
    const message = `this case file tests ${name(loaded.scriptFile)}, not the studio's script ${name(context.file)}`;
    return { file, foreign: { file, line, column, message } };
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    return { file, problems: error.problems };
  }
}

/** Why a case file cannot give cases, in sentences. */
function problemsOf(read: CaseFileRead): string[] {
  if ('foreign' in read) return [read.foreign.message];
  if ('problems' in read) return read.problems.filter((p) => p.severity === 'error').map(formatProblem);
  return [];
}

/** Every case of the studio's case files (read afresh: the designer may have edited them). */
export async function listCases(context: StudioContext): Promise<StudioCases> {
  const files = await Promise.all((await caseFilesNow(context)).map((file) => readCaseFile(context, file)));
  const cases: StudioCase[] = [];
  const problems: { file: string; message: string }[] = [];
  for (const read of files) {
    if (!('loaded' in read)) {
      problems.push(...problemsOf(read).map((message) => ({ file: read.file, message })));
      continue;
    }
    for (const { name, data } of read.loaded.cases) {
      cases.push({
        file: read.file,
        name,
        start: { ...data.start },
        steps: data.steps.flatMap((step) => ('user' in step ? [step.user] : [])),
      });
    }
  }
  return { cases, problems };
}

/** The named case of one of the studio's case files (never any other file), or a 404. */
export async function findCase(
  context: StudioContext,
  ref: { readonly file: string; readonly name: string },
): Promise<TestCase> {
  if (!(await caseFilesNow(context)).includes(ref.file))
    throw new HttpError('studio.no-case', `${quote(ref.file)} is not one of the studio's case files`);
  const read = await readCaseFile(context, ref.file);
  if (!('loaded' in read))
    throw new HttpError('studio.no-case', `${ref.file} does not load: ${problemsOf(read)[0] ?? ''}`);
  const found = read.loaded.cases.find((testCase) => testCase.name === ref.name);
  if (!found) throw new HttpError('studio.no-case', `${ref.file} has no case named ${quote(ref.name)}`);
  return found;
}
