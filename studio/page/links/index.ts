import type { App } from '../app.js';
import { h } from '../dom.js';

/** The link builder: an invitation link from a client's data, its QR code, and the way back. */
export function mountLinks(panel: HTMLElement, _app: App): void {
  panel.append(h('p', {}, 'The link builder arrives with its server routes.'));
}
