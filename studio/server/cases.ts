import { resolve } from 'node:path';
import { quote } from '../../channels/error.js';
import { HttpError } from '../../channels/http/errors.js';
import { formatProblem, ScriptError } from '../../engine/index.js';
import { loadCaseFile, type CaseFile, type TestCase } from '../../qa/load-cases.js';
import type { StudioCase, StudioCases } from '../protocol.js';
import type { StudioContext } from './context.js';

type Loaded = { readonly file: string } & ({ readonly loaded: CaseFile } | { readonly problems: string[] });

/** Reads one of the studio's case files; a file that does not load, or tests another script, gives its problems. */
async function readCaseFile(context: StudioContext, file: string): Promise<Loaded> {
  try {
    const loaded = await loadCaseFile(file);
    if (resolve(loaded.scriptFile) !== resolve(context.file))
      return { file, problems: [`${file} tests ${loaded.scriptFile}, not ${context.file}`] };
    return { file, loaded };
  } catch (error) {
    if (!(error instanceof ScriptError)) throw error;
    return { file, problems: error.problems.filter((p) => p.severity === 'error').map(formatProblem) };
  }
}

/** Every case of the studio's case files (read afresh: the designer may have edited them). */
export async function listCases(context: StudioContext): Promise<StudioCases> {
  const files = await Promise.all(context.caseFiles.map((file) => readCaseFile(context, file)));
  const cases: StudioCase[] = [];
  const problems: { file: string; message: string }[] = [];
  for (const read of files) {
    if ('problems' in read) {
      problems.push(...read.problems.map((message) => ({ file: read.file, message })));
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
  if (!context.caseFiles.includes(ref.file))
    throw new HttpError('studio.no-case', `${quote(ref.file)} is not one of the studio's case files`);
  const read = await readCaseFile(context, ref.file);
  if ('problems' in read)
    throw new HttpError('studio.no-case', `${ref.file} does not load: ${read.problems[0] ?? ''}`);
  const found = read.loaded.cases.find((testCase) => testCase.name === ref.name);
  if (!found) throw new HttpError('studio.no-case', `${ref.file} has no case named ${quote(ref.name)}`);
  return found;
}
