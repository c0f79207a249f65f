import type { App } from '../app.js';
import { s } from '../dom.js';

/** The flow as SVG: one node per block, one path per edge, from the server's layout. */
export function mountGraph(host: HTMLElement, _header: HTMLElement, app: App): void {
  const svg = s('svg', { class: 'graph' });
  host.append(svg);
  const mark = (run: typeof app.store.state.run) => {
    for (const node of svg.querySelectorAll<SVGGElement>('g.node')) {
      const id = node.dataset.id ?? '';
      node.classList.toggle('current', run?.at === id);
      node.classList.toggle('visited', run?.blocks.has(id) ?? false);
      if (run?.at === id) node.setAttribute('aria-current', 'step');
      else node.removeAttribute('aria-current');
    }
  };
  app.store.subscribe((state, previous) => {
    if (state.run !== previous.run) mark(state.run);
    if (state.model === previous.model) return;
    const model = state.model;
    svg.replaceChildren();
    if (!model) return;
    svg.setAttribute('viewBox', `0 0 ${model.width} ${model.height}`);
    for (const edge of model.edges) {
      svg.append(s('polyline', { class: 'edge', points: edge.points.map((p) => `${p.x},${p.y}`).join(' ') }));
    }
    for (const node of model.nodes) {
      const group = s(
        'g',
        {
          class: `node ${node.kind}`,
          'data-id': node.id,
          role: 'button',
          tabindex: 0,
          'aria-label': `${node.id} (${node.type})`,
        },
        s('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx: 6 }),
        s('text', { x: node.x + 10, y: node.y + 20 }, node.id),
      );
      group.addEventListener('click', () => {
        app.select(node.id);
      });
      svg.append(group);
    }
    mark(state.run);
  });
}
