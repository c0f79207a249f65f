import type { App } from '../app.js';
import { h } from '../dom.js';

/** Every problem `botflow validate` reports, with its position; a click selects its block. */
export function mountProblems(panel: HTMLElement, app: App): void {
  const list = h('ul', { class: 'problems' });
  panel.append(list);
  app.store.subscribe((state, previous) => {
    if (state.model === previous.model) return;
    list.replaceChildren(
      ...(state.model?.problems ?? []).map((problem) =>
        h(
          'li',
          { class: problem.severity },
          `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`,
        ),
      ),
    );
  });
}
