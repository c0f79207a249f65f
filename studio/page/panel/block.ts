import type { App } from '../app.js';
import { h } from '../dom.js';

/** The selected block: its YAML with the file's line numbers, and its details. */
export function mountBlockPanel(panel: HTMLElement, app: App): void {
  const empty = h('p', {}, 'Select a block to see its YAML.');
  panel.append(empty);
  app.store.subscribe((state) => {
    const node = state.model?.nodes.find((n) => n.id === state.selected);
    if (!node || !state.model) {
      panel.replaceChildren(empty);
      return;
    }
    const lines = state.model.text.split('\n').slice(node.firstLine - 1, node.lastLine);
    panel.replaceChildren(h('h2', {}, node.id), h('pre', {}, lines.join('\n')));
  });
}
