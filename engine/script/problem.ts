import type { LoadCode } from '../codes.js';
import { BotflowError } from '../error.js';

/** Where a problem is: 1-based line and column in the file, and the YAML path to the node. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The YAML path, dotted: `blocks.greet.next`, `blocks.menu.choices[1].label`. */
  readonly path: string;
}

/** One thing wrong (or worth a warning) in a script, with its position and a fix hint. */
export interface ScriptProblem extends Position {
  readonly severity: 'error' | 'warning';
  readonly code: LoadCode;
  readonly message: string;
  readonly hint?: string;
}

export function formatProblem(problem: ScriptProblem): string {
  const hint = problem.hint ? ` (${problem.hint})` : '';
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.severity}: ${problem.message}${hint}`;
}

/** A script that cannot be loaded; carries every problem found, errors and warnings. */
export class ScriptError extends BotflowError {
  constructor(readonly problems: readonly ScriptProblem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    const first = errors[0];
    super(
      'script.invalid',
      first
        ? `${formatProblem(first)}${errors.length > 1 ? ` (and ${errors.length - 1} more errors)` : ''}`
        : 'the script is invalid',
    );
  }
}
