import type { App, CaseRef } from '../app.js';
import { h } from '../dom.js';

/** The simulator: a conversation with the real engine, run by the studio's server. */
export function mountChat(panel: HTMLElement, _app: App): { replay: (test: CaseRef) => void } {
  panel.append(h('p', {}, 'The simulator arrives with its server routes.'));
  return { replay: () => undefined };
}
