import type { Box, Point, StudioModel } from '../../protocol.js';
import { s } from '../dom.js';
import { lookOf } from './look.js';

/**
 * The whole graph in small, with the part on screen outlined: a click or a drag there moves the
 * view. Its nodes are plain rectangles drawn once per model; a view change moves one rectangle.
 */
export class Minimap {
  readonly element: SVGSVGElement;
  private readonly nodes = s('g', { class: 'shapes' });
  private readonly frame = s('rect', { class: 'view' });

  constructor(moveTo: (at: Point) => void) {
    this.element = s(
      'svg',
      { class: 'minimap', role: 'img', 'aria-label': 'Minimap: click or drag to move the view' },
      this.nodes,
      this.frame,
    );
    const follow = (event: PointerEvent) => {
      const matrix = this.element.getScreenCTM();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
      moveTo({ x: point.x, y: point.y });
    };
    this.element.addEventListener('pointerdown', (event) => {
      this.element.setPointerCapture(event.pointerId);
      follow(event);
    });
    this.element.addEventListener('pointermove', (event) => {
      if (this.element.hasPointerCapture(event.pointerId)) follow(event);
    });
  }

  draw(model: StudioModel): void {
    this.element.setAttribute('viewBox', `0 0 ${Math.max(model.width, 1)} ${Math.max(model.height, 1)}`);
    this.nodes.replaceChildren(
      ...model.nodes.map((node) =>
        s('rect', {
          class: `look-${lookOf(node).name}`,
          x: node.x,
          y: node.y,
          width: node.width,
          height: node.height,
          rx: 8,
        }),
      ),
    );
  }

  show(view: Box): void {
    this.frame.setAttribute('x', String(view.x));
    this.frame.setAttribute('y', String(view.y));
    this.frame.setAttribute('width', String(view.width));
    this.frame.setAttribute('height', String(view.height));
  }
}
