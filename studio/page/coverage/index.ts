import type { App } from '../app.js';
import { h } from '../dom.js';

/** Coverage: the script's case files run, what they reached coloured on the graph. */
export function mountCoverage(panel: HTMLElement, _app: App): void {
  panel.append(h('p', {}, 'Coverage arrives with its server routes.'));
}
