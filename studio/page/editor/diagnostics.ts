import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import type { StudioProblem } from '../../protocol.js';
import { h } from '../dom.js';
import { positionOf } from './text.js';

/**
 * botflow's own problems as the pane's diagnostics, at their line and column: from there to the
 * end of the word, or the whole line when the column is at its end (a missing key, a YAML error
 * at the line's end).
 */
export function diagnosticsOf(problems: readonly StudioProblem[], doc: Text): Diagnostic[] {
  return problems.map((problem) => {
    const from = positionOf(doc, problem.line, problem.column);
    const line = doc.lineAt(from);
    const word = /^\S+/.exec(line.text.slice(from - line.from))?.[0].length ?? 0;
    const whole = word === 0;
    return {
      from: whole ? line.from : from,
      to: whole ? line.to : from + word,
      severity: problem.severity,
      source: problem.code,
      message: problem.message,
      ...(problem.hint !== undefined && {
        renderMessage: () =>
          h('span', {}, problem.message, h('span', { class: 'diagnostic-hint' }, problem.hint ?? '')),
      }),
    };
  });
}
