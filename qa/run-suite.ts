import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadScript, ScriptError, type Script, type ScriptProblem } from '../engine/index.js';
import { coverageOf, type ScriptCoverage } from './coverage.js';
import { isCaseFile, loadCaseFile } from './load-cases.js';
import { runCase, type CaseResult } from './run-case.js';

/**
 * Whether a folder search looks at this path (relative to the folder named): not inside
 * `node_modules` or a hidden folder (`.git`), which hold other people's files, and many of them.
 */
export function isSearched(relativePath: string): boolean {
  return relativePath.split(/[\\/]/).every((part) => part !== 'node_modules' && !part.startsWith('.'));
}

/** The case files named, a folder standing for every `*.cases.yaml` below it (see isSearched), in a stable order. */
export async function findCaseFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      found.push(path);
      continue;
    }
    const entries = await readdir(path, { recursive: true });
    found.push(
      ...entries
        .filter((entry) => isCaseFile(entry) && isSearched(entry))
        .sort()
        .map((entry) => join(path, entry)),
    );
  }
  return found;
}

export interface SuiteFile {
  readonly file: string;
  /** The script it names, resolved; undefined when the case file itself could not be read. */
  readonly scriptFile: string | undefined;
  readonly results: readonly CaseResult[];
  /** Why the case file (or its script) could not be read; its cases did not run. */
  readonly problems: readonly ScriptProblem[];
}

export interface SuiteOptions {
  /** Load the scripts in strict mode (`--strict`), as if each said `strict: true`. */
  readonly strict?: boolean;
  /** Run only cases whose name contains this (ignoring case). */
  readonly filter?: string;
  /** Stop at the first failure. */
  readonly bail?: boolean;
  /** The link secrets every case's bot checks signed start values with. */
  readonly linkSecrets?: readonly string[];
  /** Told about each case before it runs and after, for progress and streaming output. */
  readonly onCase?: (event: {
    phase: 'start' | 'done';
    /** The case file the case belongs to. */
    file: string;
    index: number;
    total: number;
    name: string;
    result?: CaseResult;
  }) => void;
}

export interface SuiteResult {
  readonly files: readonly SuiteFile[];
  readonly coverage: readonly ScriptCoverage[];
  readonly passed: number;
  readonly failed: number;
}

const problemsOf = (error: unknown): ScriptProblem[] => {
  if (error instanceof ScriptError) return [...error.problems];
  throw error;
};

/** Runs every case of the files in this process, one at a time, and measures coverage per script. */
export async function runSuite(files: readonly string[], options: SuiteOptions = {}): Promise<SuiteResult> {
  const scripts = new Map<string, Promise<Script>>();
  const loaded = await Promise.all(
    files.map(async (file) => {
      let scriptFile: string | undefined;
      try {
        const caseFile = await loadCaseFile(file);
        scriptFile = caseFile.scriptFile;
        const filter = options.filter?.toLowerCase();
        const cases = caseFile.cases.filter(
          (c) => filter === undefined || c.name.toLowerCase().includes(filter),
        );
        if (!scripts.has(caseFile.scriptFile))
          scripts.set(
            caseFile.scriptFile,
            loadScript(caseFile.scriptFile, { strict: options.strict === true }),
          );
        return { file, scriptFile, cases, script: await scripts.get(scriptFile), problems: [] };
      } catch (error) {
        return { file, scriptFile, cases: [], script: undefined, problems: problemsOf(error) };
      }
    }),
  );
  const total = loaded.reduce((sum, entry) => sum + entry.cases.length, 0);
  const traces = new Map<Script, TraceList>();
  const out: SuiteFile[] = [];
  let index = 0;
  let failed = loaded.filter((entry) => entry.problems.length > 0).length;
  let passed = 0;
  for (const entry of loaded) {
    const results: CaseResult[] = [];
    out.push({ file: entry.file, scriptFile: entry.scriptFile, results, problems: entry.problems });
    if (!entry.script || (options.bail === true && failed > 0)) continue;
    for (const testCase of entry.cases) {
      options.onCase?.({ phase: 'start', file: entry.file, index, total, name: testCase.name });
      const result = await runCase(entry.script, entry.file, testCase, options.linkSecrets);
      results.push(result);
      traces.set(entry.script, [...(traces.get(entry.script) ?? []), ...result.trace]);
      if (result.passed) passed++;
      else failed++;
      options.onCase?.({ phase: 'done', file: entry.file, index, total, name: testCase.name, result });
      index++;
      if (options.bail === true && !result.passed) break;
    }
  }
  const coverage = [...new Set(loaded.flatMap((entry) => (entry.script ? [entry.script] : [])))].map(
    (script) => coverageOf(script, traces.get(script) ?? []),
  );
  return { files: out, coverage, passed, failed };
}

type TraceList = CaseResult['trace'];
