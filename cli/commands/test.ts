import { Command } from 'commander';
import { formatProblem } from '../../engine/index.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { formatCoverage } from '../../qa/coverage.js';
import { toJUnitXml } from '../../qa/junit.js';
import type { CaseResult } from '../../qa/run-case.js';
import { isCaseFile } from '../../qa/load-cases.js';
import { findCaseFiles, runSuite } from '../../qa/run-suite.js';
import { ExitCode, UsageError } from '../exit.js';
import { addSecretOption, addStrictOption, readLinkSecrets } from '../options.js';
import { printable, say } from '../terminal.js';
import { foldersBelow, rerunOnSaves, type WatchedRun } from '../watch.js';

const COVERAGE_FORMATS: ReadonlySet<string> = new Set(['text', 'json']);

interface TestOptions {
  junit?: string;
  coverage?: boolean | string;
  filter?: string;
  bail?: boolean;
  strict?: boolean;
  watch?: boolean;
  secretFrom?: string;
}

function describeFailure(result: CaseResult): string[] {
  const { failure } = result;
  if (!failure) return [];
  const where = `${failure.position.file}:${failure.position.line}:${failure.position.column}`;
  const step = failure.step === undefined ? where : `step ${failure.step} (${where})`;
  return [
    `    at ${step}: ${failure.message}`,
    ...(failure.expected === undefined ? [] : [`    expected: ${failure.expected}`]),
    ...(failure.got === undefined ? [] : [`    got:      ${failure.got}`]),
    ...(result.transcript.length === 0
      ? []
      : ['    transcript:', ...result.transcript.map((line) => `      ${line}`)]),
  ];
}

export function testCommand(): Command {
  return addSecretOption(addStrictOption(new Command('test')))
    .description('Replay QA case files (*.cases.yaml) against their scripts, with mocked HTTP.')
    .argument('[file-or-dir...]', 'case files, or folders to search for *.cases.yaml')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--coverage [format]', 'list the blocks and branches no case reached (format: text or json)')
    .option('--filter <text>', 'run only the cases whose name contains this text')
    .option('--bail', 'stop at the first failing case')
    .option('--watch', 'run again whenever a case file or its script is saved, until Ctrl-C')
    .action(async (given: string[], options: TestOptions) => {
      // `--coverage scripts/` reads the folder as the option's value: give it back to the paths.
      const paths = [...given];
      if (typeof options.coverage === 'string' && !COVERAGE_FORMATS.has(options.coverage)) {
        if (!existsSync(options.coverage)) {
          throw new UsageError(`--coverage takes text or json, not "${options.coverage}"`);
        }
        paths.unshift(options.coverage);
        options.coverage = true;
      }
      if (paths.length === 0) throw new UsageError('name the case files or folders to run.');
      process.exitCode = options.watch
        ? await rerunOnSaves(() => runTests(paths, options))
        : (await runTests(paths, options)).code;
    });
}

/** One run of the cases: prints them, and tells what it read, for --watch. */
async function runTests(paths: readonly string[], options: TestOptions): Promise<WatchedRun> {
  const progress = process.stderr.isTTY;
  const files = await findCaseFiles(paths);
  // With several case files, each one's cases come under its name.
  const headed = files.length > 1;
  let lastFile: string | undefined;
  const linkSecrets = await readLinkSecrets(options);
  const suite = await runSuite(files, {
    linkSecrets,
    ...(options.filter !== undefined && { filter: options.filter }),
    ...(options.bail !== undefined && { bail: options.bail }),
    ...(options.strict === true && { strict: true }),
    onCase: ({ phase, file, index, total, name, result }) => {
      if (progress)
        process.stderr.write(
          phase === 'start' ? `\r\u001B[K[${index + 1}/${total}] ${printable(name)}` : '\r\u001B[K',
        );
      if (phase === 'done' && result) {
        if (headed && file !== lastFile) say(`▸ ${(lastFile = file)}`);
        say(`${result.passed ? '✓' : '✗'} ${result.name}`);
        for (const line of describeFailure(result)) say(line);
      }
    },
  });
  for (const file of suite.files) {
    if (file.problems.length === 0) continue;
    say(`✗ ${file.file} could not be run`);
    for (const problem of file.problems) say(`    ${formatProblem(problem)}`);
  }
  if (options.junit !== undefined) {
    const report = suite.files.map(({ file, results }) => ({ file, results }));
    await writeFile(options.junit, toJUnitXml(report));
  }
  if (options.coverage === 'json') say(JSON.stringify(suite.coverage));
  else if (options.coverage !== undefined) for (const line of formatCoverage(suite.coverage)) say(line);
  // Nothing run is no success: a typo in --filter or an empty folder must not pass.
  if (suite.passed + suite.failed === 0) say('no case ran: check the paths and --filter');
  say(`${suite.passed} passed, ${suite.failed} failed`);
  return {
    code: suite.failed > 0 || suite.passed === 0 ? ExitCode.Failure : ExitCode.Ok,
    // A save of a case file, of its script, or a new case file in a folder named runs them again.
    files: [...files, ...suite.files.flatMap(({ scriptFile }) => scriptFile ?? [])],
    folders: await foldersBelow(paths),
    isNew: isCaseFile,
  };
}
