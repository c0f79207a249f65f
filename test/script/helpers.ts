import { checkScript, formatProblem } from '../../engine/index.js';

/** A script's problems as `line:col: severity: message (hint)` lines, file name left out. */
export function problems(text: string): string[] {
  return checkScript(text, 's.yaml').problems.map((p) => formatProblem(p).replace(/^s\.yaml:/, ''));
}

/** A minimal valid script around the given blocks (YAML, indented under `blocks:`). */
export function script(blocks: string, top = ''): string {
  return `botflow: 1\nname: t\n${top}blocks:\n${blocks}`;
}
