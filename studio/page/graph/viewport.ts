import type { Box, Point } from '../../protocol.js';

const MIN_SCALE = 0.1;
const MAX_SCALE = 3;
/** Room left around the graph when it is fitted, in screen pixels. */
const FIT_MARGIN = 32;

/**
 * Pan and zoom of the graph: one transform on one group, so moving the view never touches the
 * nodes (a 300-block graph pans as fast as a 3-block one).
 */
/** The smallest scale a block's text can be read at; the first view never starts below it. */
const READABLE = 0.7;

export class Viewport {
  private x = 0;
  private y = 0;
  private k = 1;
  /** The first view, while the designer has not moved it: a frame that changes size shows it again. */
  private opening: { bounds: Box; start: Box | undefined } | undefined;
  private measured: { width: number; height: number } | undefined;

  constructor(
    private readonly frame: SVGSVGElement,
    /** The groups the view transform is set on: the graph, and the layer over it that moves in step. */
    private readonly contents: readonly SVGGElement[],
    private readonly changed: (view: Box, scale: number) => void,
  ) {}

  get scale(): number {
    return this.k;
  }

  /** The part of the graph on screen, in the graph's coordinates. */
  get view(): Box {
    const { width, height } = this.size();
    return { x: -this.x / this.k, y: -this.y / this.k, width: width / this.k, height: height / this.k };
  }

  /** A point of the frame (client coordinates) in the graph's coordinates. */
  toGraph(clientX: number, clientY: number): Point {
    const frame = this.frame.getBoundingClientRect();
    return { x: (clientX - frame.left - this.x) / this.k, y: (clientY - frame.top - this.y) / this.k };
  }

  panBy(dx: number, dy: number): void {
    this.opening = undefined;
    this.x += dx;
    this.y += dy;
    this.apply();
  }

  /** Zooms by `factor`, keeping the graph point under (clientX, clientY) where it is. */
  zoomAt(factor: number, clientX?: number, clientY?: number): void {
    const frame = this.frame.getBoundingClientRect();
    const px = (clientX ?? frame.left + frame.width / 2) - frame.left;
    const py = (clientY ?? frame.top + frame.height / 2) - frame.top;
    const k = clamp(this.k * factor, MIN_SCALE, MAX_SCALE);
    this.opening = undefined;
    this.x = px - ((px - this.x) * k) / this.k;
    this.y = py - ((py - this.y) * k) / this.k;
    this.k = k;
    this.apply();
  }

  /** Shows all of `bounds`, never zooming in past 100 %. */
  fit(bounds: Box): void {
    this.opening = undefined;
    const { width, height } = this.size();
    const k = clamp(
      Math.min((width - 2 * FIT_MARGIN) / bounds.width, (height - 2 * FIT_MARGIN) / bounds.height, 1),
      MIN_SCALE,
      MAX_SCALE,
    );
    this.k = k;
    this.x = (width - bounds.width * k) / 2 - bounds.x * k;
    this.y = (height - bounds.height * k) / 2 - bounds.y * k;
    this.apply();
  }

  /**
   * The first view: the whole flow when it fits at a readable size; otherwise the readable size,
   * with `start` (where conversations come in) at the left, since text at 30 % cannot be read.
   */
  open(bounds: Box, start: Box | undefined): void {
    this.fit(bounds);
    this.opening = { bounds, start };
    if (this.k >= READABLE || !start) return;
    const { height } = this.size();
    this.k = READABLE;
    this.x = FIT_MARGIN - start.x * this.k;
    this.y = height / 2 - (start.y + start.height / 2) * this.k;
    this.apply();
  }

  /** Puts the graph point `at` in the middle of the frame. */
  centre(at: Point): void {
    this.opening = undefined;
    const { width, height } = this.size();
    this.x = width / 2 - at.x * this.k;
    this.y = height / 2 - at.y * this.k;
    this.apply();
  }

  /** Whether `box` is wholly on screen. */
  shows(box: Box): boolean {
    const view = this.view;
    return (
      box.x >= view.x &&
      box.y >= view.y &&
      box.x + box.width <= view.x + view.width &&
      box.y + box.height <= view.y + view.height
    );
  }

  /**
   * After the frame changed size (as a ResizeObserver measured it): the first view is made again
   * for the new size, any other kept.
   */
  resized(width: number, height: number): void {
    this.measured = { width, height };
    if (this.opening) this.open(this.opening.bounds, this.opening.start);
    else this.apply();
  }

  /** Sets the transform (and tells the minimap and the zoom level). */
  apply(): void {
    const transform = `translate(${this.x} ${this.y}) scale(${this.k})`;
    for (const content of this.contents) content.setAttribute('transform', transform);
    this.changed(this.view, this.k);
  }

  /**
   * The frame's size, as last measured: reading clientWidth would make the browser lay the whole
   * graph out at once, in the middle of a redraw.
   */
  private size(): { width: number; height: number } {
    this.measured ??= { width: this.frame.clientWidth, height: this.frame.clientHeight };
    return this.measured;
  }
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
