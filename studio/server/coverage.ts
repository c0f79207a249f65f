import { relative, resolve } from 'node:path';
import { z } from 'zod';
import { ScriptError, type Script } from '../../engine/index.js';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import { coverageOf } from '../../qa/coverage.js';
import { loadCaseFile } from '../../qa/load-cases.js';
import type { CaseResult } from '../../qa/run-case.js';
import { runSuite } from '../../qa/run-suite.js';
import type { CoverageCase, CoverageFile, CoverageProblem, CoverageReport } from '../protocol.js';
import { runnable, type StudioContext, type StudioRoute } from './context.js';

/** A name filter is a few words typed on the page; 200 characters is far more than enough. */
const coverageBody = z.strictObject({ filter: z.string().min(1).max(200).optional() });

/**
 * `POST /api/coverage`: runs the studio's case files with the runner of `botflow test` and answers
 * what they reached. One run at a time: a call while one runs gets that run's answer when it asks
 * for the same filter, and a 409 when not (that run's answer would not be the one it asked for).
 */
export function coverageRoutes(context: StudioContext): StudioRoute[] {
  let running: { readonly filter: string | undefined; readonly report: Promise<CoverageReport> } | undefined;
  return [
    {
      method: 'POST',
      path: '/api/coverage',
      handle: ({ body }) => {
        const { filter } = parseBody(coverageBody, body);
        if (running && running.filter !== filter) {
          throw new HttpError(
            'studio.coverage-running',
            'the tests are running with another filter; run them again when they finish',
          );
        }
        if (!running) {
          const report = measure(context, runnable(context), filter).finally(() => {
            running = undefined;
          });
          running = { filter, report };
        }
        return running.report;
      },
    },
  ];
}

async function measure(
  context: StudioContext,
  script: Script,
  filter: string | undefined,
): Promise<CoverageReport> {
  const revision = context.current().model.revision;
  const checked = await Promise.all(
    context.caseFiles.map(async (file) => ({ file, foreign: await foreignScript(file, context.file) })),
  );
  const suite = await runSuite(
    checked.flatMap(({ file, foreign }) => (foreign ? [] : [file])),
    filter === undefined ? {} : { filter },
  );
  // The suite read the script from disk: after a change, its counts may be of another version
  // than `script`, whose ids the report names.
  const stale = context.current().model.revision !== revision;
  const ran = new Map(suite.files.map((entry) => [entry.file, entry]));
  const files = checked.map(({ file, foreign }): CoverageFile => {
    const problems = foreign ? [foreign] : (ran.get(file)?.problems ?? []);
    return {
      file,
      problems: problems.map(({ file: at, line, column, message }) => ({ file: at, line, column, message })),
    };
  });
  // Every case file that ran names this script, so the suite measured at most this one.
  const coverage = suite.coverage[0] ?? coverageOf(script, []);
  const missed = new Set(coverage.unreached.map(({ block, edge }) => `${block} ${edge}`));
  return {
    revision,
    ...(stale && { stale }),
    ...(filter !== undefined && { filter }),
    files,
    cases: suite.files.flatMap((entry) => entry.results.map(caseOf)),
    passed: suite.passed,
    failed: suite.failed + checked.filter(({ foreign }) => foreign).length,
    blocks: coverage.blocks,
    branches: coverage.branches,
    reached: {
      blocks: [...script.positions.keys()].filter((block) => !missed.has(`${block} `)),
      edges: [...script.edgePositions.keys()].filter((edge) => !missed.has(edge)),
    },
    unreached: coverage.unreached,
  };
}

/**
 * Why a case file is not run here: it tests another script. A file that does not load is left
 * to the runner, which reports its problems as `botflow test` does.
 */
async function foreignScript(file: string, script: string): Promise<CoverageProblem | undefined> {
  try {
    const caseFile = await loadCaseFile(file);
    if (caseFile.scriptFile === resolve(script)) return undefined;
    const { line, column } = caseFile.scriptPosition;
    const name = (path: string) => relative(process.cwd(), path);
    return {
      file,
      line,
      column,
      message: `this case file tests ${name(caseFile.scriptFile)}, not the studio's script ${name(script)}`,
    };
  } catch (error) {
    if (error instanceof ScriptError) return undefined;
    throw error;
  }
}

function caseOf(result: CaseResult): CoverageCase {
  const { failure } = result;
  return {
    file: result.file,
    name: result.name,
    passed: result.passed,
    durationMs: result.durationMs,
    ...(failure && {
      failure: {
        line: failure.position.line,
        column: failure.position.column,
        message: failure.message,
        ...(failure.step !== undefined && { step: failure.step }),
        ...(failure.expected !== undefined && { expected: failure.expected }),
        ...(failure.got !== undefined && { got: failure.got }),
      },
    }),
  };
}
