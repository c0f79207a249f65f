import './panel.css';
import type { StudioModel, StudioProblem } from '../../protocol.js';
import type { App } from '../app.js';
import { h } from '../dom.js';
import { plural } from '../graph/render.js';

/** A problem as `botflow validate` prints it: where, how bad, what, and what to do. */
export function problemItem(problem: StudioProblem): (HTMLElement | string)[] {
  return [
    h('span', { class: 'severity' }, problem.severity),
    ' ',
    h('span', { class: 'where' }, `${problem.file}:${problem.line}:${problem.column}`),
    ' ',
    h('span', { class: 'message' }, problem.message),
    ...(problem.hint === undefined ? [] : [h('span', { class: 'hint' }, problem.hint)]),
    h('span', { class: 'code' }, problem.code),
  ];
}

/** "2 errors, 1 warning", or "No problems". */
export function problemSummary(problems: readonly StudioProblem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  if (problems.length === 0) return 'No problems';
  return [
    ...(errors > 0 ? [plural(errors, 'error')] : []),
    ...(warnings > 0 ? [plural(warnings, 'warning')] : []),
  ].join(', ');
}

/**
 * Every problem `botflow validate` reports, errors first; a click on one that belongs to a block
 * selects the block. The panel's tab shows how many there are.
 */
export function mountProblems(panel: HTMLElement, app: App): void {
  const heading = h('h2', {}, 'Problems');
  const list = h('ul', { class: 'problems', 'aria-label': 'Problems' });
  const tab = document.getElementById(panel.getAttribute('aria-labelledby') ?? '');
  const count = h('span', { class: 'count', hidden: true });
  tab?.append(count);
  panel.append(heading, list);
  app.store.subscribe((state, previous) => {
    if (state.model === previous.model || !state.model) return;
    const model = state.model;
    const summary = problemSummary(model.problems);
    heading.textContent = `Problems: ${summary}`;
    const errors = model.problems.some((problem) => problem.severity === 'error');
    count.hidden = model.problems.length === 0;
    count.className = `count ${errors ? 'error' : 'warning'}`;
    count.textContent = String(model.problems.length);
    count.title = summary;
    list.replaceChildren(...sorted(model).map((problem) => item(problem, app)));
  });
}

function sorted(model: StudioModel): StudioProblem[] {
  const rank = (problem: StudioProblem) => (problem.severity === 'error' ? 0 : 1);
  return [...model.problems].sort((a, b) => rank(a) - rank(b) || a.line - b.line || a.column - b.column);
}

function item(problem: StudioProblem, app: App): HTMLElement {
  const block = problem.block;
  if (block === undefined || !app.store.state.model?.nodes.some((node) => node.id === block)) {
    return h('li', { class: problem.severity }, h('div', { class: 'problem' }, ...problemItem(problem)));
  }
  const button = h('button', { type: 'button', class: 'problem' }, ...problemItem(problem));
  button.addEventListener('click', () => {
    app.select(block);
  });
  return h('li', { class: problem.severity }, button);
}
