import { s } from '../dom.js';
import type { Drawing } from './render.js';

/**
 * A second SVG over the graph, with the same pan and zoom, where what is being dragged is drawn
 * for the drag. Chromium lays out an SVG whole: a block moved inside a 300-block graph costs 30 ms
 * a step, inside this one 0.1 ms. A drag hides the block and its edges in the graph (hiding lays
 * nothing out) and moves copies of them here; the drop shows the originals again, moved once.
 */
export class DragLayer {
  readonly element: SVGSVGElement;
  /** Follows the graph's view transform. */
  readonly content: SVGGElement;
  private hidden: Element[] = [];

  constructor() {
    this.content = s('g', {});
    this.element = s('svg', { class: 'drag-layer', 'aria-hidden': 'true' }, this.content);
  }

  /** Copies of the nodes (with their ports) and edges named, drawn here, the originals hidden. */
  lift(drawing: Drawing, nodes: readonly string[], edges: readonly string[]): Drawing {
    const copy = <T extends Element>(element: T | undefined): T[] => {
      if (!element) return [];
      this.hidden.push(element);
      element.classList.add('lifted');
      const clone = element.cloneNode(true) as T;
      clone.classList.remove('lifted');
      clone.removeAttribute('tabindex');
      return [clone];
    };
    const lifted: Drawing = {
      edges: new Map(edges.flatMap((id) => copy(drawing.edges.get(id)).map((clone) => [id, clone] as const))),
      nodes: new Map(nodes.flatMap((id) => copy(drawing.nodes.get(id)).map((clone) => [id, clone] as const))),
      ports: new Map(nodes.flatMap((id) => copy(drawing.ports.get(id)).map((clone) => [id, clone] as const))),
    };
    this.content.append(...lifted.edges.values(), ...lifted.nodes.values(), ...lifted.ports.values());
    return lifted;
  }

  /** Removes the copies and shows the originals again. */
  drop(): void {
    for (const element of this.hidden) element.classList.remove('lifted');
    this.hidden = [];
    this.content.replaceChildren();
  }
}
