import type { PinsRequest, Point } from '../../protocol.js';
import type { App } from '../app.js';

export type Pins = Readonly<Record<string, Point>>;

/** A node moved by hand is pinned at whole pixels: the sidecar stays short and diffs stay calm. */
export function pinAt(at: Point): Point {
  return { x: Math.round(at.x), y: Math.round(at.y) };
}

export function withPin(pins: Pins, id: string, at: Point | undefined): Pins {
  const rest = Object.fromEntries(Object.entries(pins).filter(([pinned]) => pinned !== id));
  return at === undefined ? rest : { ...rest, [id]: pinAt(at) };
}

/** Pins after a block was renamed: its pin goes with it. */
export function renamedPins(pins: Pins, from: string, to: string): Pins {
  const pin = pins[from];
  return pin === undefined ? pins : withPin(withPin(pins, from, undefined), to, pin);
}

/**
 * Keeps the sidecar file in step with `state.pins`: anyone may change the pins in the store
 * (the canvas, the Block tab's Unpin); each change is written whole, one write at a time, the
 * latest winning. The pins come from the model when the page opens, and again when the file is
 * reloaded from disk while no write of the page's is under way.
 */
export function keepPins(app: App, refused: (message: string) => void): void {
  let written: Pins | undefined;
  let writing = false;
  let queued: Pins | undefined;
  const write = async (pins: Pins) => {
    if (writing) {
      queued = pins;
      return;
    }
    writing = true;
    try {
      await app.api.post<{ pins: Pins }>('/api/pins', { pins } satisfies PinsRequest);
      written = pins;
    } catch (error) {
      refused(error instanceof Error ? error.message : String(error));
    } finally {
      writing = false;
      const next = queued;
      queued = undefined;
      if (next !== undefined) void write(next);
    }
  };
  app.store.subscribe((state, previous) => {
    const { model } = state;
    if (model && model !== previous.model && (previous.model === undefined || !model.draft)) {
      if (!writing && queued === undefined && !samePins(model.pins, state.pins)) {
        written = model.pins;
        // After this change has reached every listener: the store tells changes in order.
        queueMicrotask(() => {
          app.store.update({ pins: model.pins });
        });
      }
    }
    if (state.pins !== previous.pins && state.pins !== written && !samePins(state.pins, written ?? {})) {
      void write(state.pins);
    }
  });
}

export function samePins(a: Pins, b: Pins): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((id) => a[id]?.x === b[id]?.x && a[id]?.y === b[id]?.y)
  );
}
