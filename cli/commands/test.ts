import { Command } from 'commander';
import { formatProblem } from '../../engine/index.js';
import { formatCoverage } from '../../qa/coverage.js';
import type { CaseResult } from '../../qa/run-case.js';
import { findCaseFiles, runSuite } from '../../qa/run-suite.js';
import { ExitCode } from '../exit.js';

interface TestOptions {
  junit?: string;
  coverage?: boolean | string;
  filter?: string;
  bail?: boolean;
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
  return new Command('test')
    .description('Replay QA case files (*.cases.yaml) against their scripts, with mocked HTTP.')
    .argument('<file-or-dir...>', 'case files, or folders to search for *.cases.yaml')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--coverage [format]', 'list the blocks and branches no case reached (format: text or json)')
    .option('--filter <text>', 'run only the cases whose name contains this text')
    .option('--bail', 'stop at the first failing case')
    .action(async (paths: string[], options: TestOptions) => {
      const out = (line: string) => process.stdout.write(`${line}\n`);
      const progress = process.stderr.isTTY;
      const suite = await runSuite(await findCaseFiles(paths), {
        ...(options.filter !== undefined && { filter: options.filter }),
        ...(options.bail !== undefined && { bail: options.bail }),
        onCase: ({ phase, index, total, name, result }) => {
          if (progress)
            process.stderr.write(
              phase === 'start' ? `\r\u001B[K[${index + 1}/${total}] ${name}` : '\r\u001B[K',
            );
          if (phase === 'done' && result) {
            out(`${result.passed ? '✓' : '✗'} ${result.name}`);
            for (const line of describeFailure(result)) out(line);
          }
        },
      });
      for (const file of suite.files) {
        if (file.problems.length === 0) continue;
        out(`✗ ${file.file} could not be run`);
        for (const problem of file.problems) out(`    ${formatProblem(problem)}`);
      }
      if (options.coverage === 'json') out(JSON.stringify(suite.coverage));
      else if (options.coverage !== undefined) for (const line of formatCoverage(suite.coverage)) out(line);
      out(`${suite.passed} passed, ${suite.failed} failed`);
      if (suite.failed > 0) process.exitCode = ExitCode.Failure;
    });
}
