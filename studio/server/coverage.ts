import * as z from 'zod';
import type { Script } from '../../engine/index.js';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import { coverageOf } from '../../qa/coverage.js';
import type { CaseResult } from '../../qa/run-case.js';
import { runSuite } from '../../qa/run-suite.js';
import type { CoverageCase, CoverageFile, CoverageReport } from '../protocol.js';
import { caseFilesNow, readCaseFile } from './cases.js';
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
  // A case file for another script is not run; one that does not load is left to the runner,
  // which reports its problems as `botflow test` does.
  const checked = await Promise.all(
    (await caseFilesNow(context)).map(async (file) => {
      const read = await readCaseFile(context, file);
      return { file, foreign: 'foreign' in read ? read.foreign : undefined };
    }),
  );
  const suite = await runSuite(
    checked.flatMap(({ file, foreign }) => (foreign ? [] : [file])),
    { strict: context.strict, linkSecrets: context.linkSecrets, ...(filter !== undefined && { filter }) },
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
