import type { Point } from '../../protocol.js';
import { h, s } from '../dom.js';
import { swallowNextClick } from './gestures.js';
import { lookOf } from './look.js';

/** The block types the palette offers, in the order a flow usually uses them. */
export const BLOCK_TYPES = ['message', 'ask', 'condition', 'request', 'bpl', 'end', 'random'] as const;

const DRAG_SLOP = 4;

const article = (word: string) => (/^[aeiou]/.test(word) ? 'an' : 'a');

/**
 * The palette above the canvas: a button per block type. A click (or Enter) adds the block after
 * the selected one; dragging a button onto the canvas adds it where it is dropped.
 */
export function palette(
  canvas: () => SVGSVGElement,
  add: (type: string, dropped?: { clientX: number; clientY: number }) => void,
  ...tools: HTMLElement[]
): HTMLElement {
  const buttons = BLOCK_TYPES.map((type) => {
    const look = lookOf({ kind: 'block', type, shape: undefined });
    const button = h(
      'button',
      {
        type: 'button',
        class: `palette-item look-${look.name}`,
        'aria-label': `Add ${article(type)} ${type} block`,
        title: `Add ${article(type)} ${type} block after the selected one in the file (then connect it from a port), or drag it onto the canvas`,
      },
      s(
        'svg',
        { class: 'swatch', viewBox: '0 0 22 22', width: 18, height: 18, 'aria-hidden': 'true' },
        s('rect', { class: 'chip', x: 0, y: 0, width: 22, height: 22, rx: 6 }),
        s('path', { class: 'icon', d: look.icon, transform: 'translate(3 3)' }),
      ),
      type,
    );
    let pressed: Point | undefined;
    let ghost: HTMLElement | undefined;
    button.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      pressed = { x: event.clientX, y: event.clientY };
      // Every move comes here, wherever the pointer goes, until it is let go.
      button.setPointerCapture(event.pointerId);
    });
    button.addEventListener('pointermove', (event) => {
      if (!pressed) return;
      if (!ghost) {
        if (Math.hypot(event.clientX - pressed.x, event.clientY - pressed.y) < DRAG_SLOP) return;
        ghost = h('div', { class: `palette-ghost look-${look.name}`, 'aria-hidden': 'true' }, type);
        document.body.append(ghost);
      }
      ghost.style.transform = `translate(${event.clientX}px, ${event.clientY}px)`;
    });
    const end = (event: PointerEvent, cancelled: boolean) => {
      const dragged = ghost !== undefined;
      ghost?.remove();
      ghost = undefined;
      pressed = undefined;
      if (!dragged || cancelled) return;
      swallowNextClick(button);
      // Dropped on the graph itself, not on the palette, the minimap or the legend over it.
      const under = document.elementFromPoint(event.clientX, event.clientY);
      if (under && canvas().contains(under)) add(type, { clientX: event.clientX, clientY: event.clientY });
    };
    button.addEventListener('pointerup', (event) => {
      end(event, false);
    });
    button.addEventListener('pointercancel', (event) => {
      end(event, true);
    });
    button.addEventListener('click', () => {
      add(type);
    });
    return button;
  });
  return h('div', { class: 'palette', role: 'toolbar', 'aria-label': 'Blocks' }, ...buttons, ...tools);
}
