import { Command } from 'commander';
import { checkScript, readScriptFile } from '../../engine/script/load.js';
import { formatProblem, ScriptError, type ScriptProblem } from '../../engine/script/problem.js';
import { isCaseFile, loadCaseFile } from '../../qa/load-cases.js';
import { ExitCode } from '../exit.js';
import { addStrictOption } from '../options.js';
import { say } from '../terminal.js';

/** A script's problems, or a QA case file's (`*.cases.yaml`, which sit beside their scripts). */
async function check(file: string, strict: boolean): Promise<ScriptProblem[]> {
  try {
    if (isCaseFile(file)) {
      await loadCaseFile(file);
      return [];
    }
    return checkScript(await readScriptFile(file), file, { strict }).problems;
  } catch (error) {
    if (error instanceof ScriptError) return [...error.problems];
    throw error;
  }
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function validateCommand(): Command {
  return addStrictOption(new Command('validate'))
    .description('Check scripts (and QA case files): every problem with file:line:col, exit 1 on any error.')
    .argument('<script...>', 'YAML script files')
    .option('--json', 'print one JSON object: { files: [{ file, ok, problems }], errors, warnings }')
    .action(async (files: string[], options: { json?: boolean; strict?: boolean }) => {
      const results = await Promise.all(
        files.map(async (file) => ({ file, problems: await check(file, options.strict === true) })),
      );
      const all = results.flatMap((result) => result.problems);
      const errors = all.filter((p) => p.severity === 'error').length;
      const warnings = all.length - errors;
      if (options.json) {
        const report = results.map(({ file, problems }) => ({
          file,
          ok: !problems.some((p) => p.severity === 'error'),
          problems,
        }));
        say(JSON.stringify({ files: report, errors, warnings }, null, 2));
      } else {
        for (const problem of all) say(formatProblem(problem));
        const summary = `${plural(files.length, 'script')} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
        say(summary);
      }
      if (errors > 0) process.exitCode = ExitCode.Failure;
    });
}
