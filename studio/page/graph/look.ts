import type { Shape, StudioNode } from '../../protocol.js';

/** How one kind of node looks: its CSS class (which sets the colour), icon and a word for it. */
export interface Look {
  /** `look-<name>`: the stylesheet gives each its colour. */
  readonly name: string;
  /** What the legend and the accessible name call it. */
  readonly title: string;
  /** A 16×16 stroked path. */
  readonly icon: string;
}

const QUESTION_MARK = 'M6 6.2a2 2 0 1 1 2.6 1.9c-.5.2-.6.6-.6 1.2M8 11.2v.6';
const CIRCLE = 'M8 1.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z';

/** One look per block type botflow knows; types added later fall back on their shape. */
const BY_TYPE: Readonly<Record<string, Look>> = {
  message: { name: 'message', title: 'message', icon: 'M2.5 3.5h11v7h-6l-3 3v-3h-2z' },
  ask: { name: 'ask', title: 'ask', icon: `${CIRCLE}${QUESTION_MARK}` },
  condition: { name: 'condition', title: 'condition', icon: 'M8 1.5l6.5 6.5-6.5 6.5-6.5-6.5zM6 8h4' },
  random: {
    name: 'random',
    title: 'random',
    icon: 'M2.5 2.5h11v11h-11zM5.5 5.5h.01M10.5 10.5h.01M8 8h.01M10.5 5.5h.01M5.5 10.5h.01',
  },
  request: { name: 'request', title: 'request', icon: 'M2 5.5h11l-2.5-2.5M14 10.5H3l2.5 2.5' },
  bpl: {
    name: 'bpl',
    title: 'bpl',
    icon: 'M6 2.5c-2 0-2 1-2 2.5s0 2.5-1.5 3c1.5.5 1.5 1.5 1.5 3s0 2.5 2 2.5M10 2.5c2 0 2 1 2 2.5s0 2.5 1.5 3c-1.5.5-1.5 1.5-1.5 3s0 2.5-2 2.5',
  },
  end: { name: 'end', title: 'end', icon: `${CIRCLE}M5.5 5.5h5v5h-5z` },
};

const BY_SHAPE: Readonly<Record<Shape, Look | undefined>> = {
  say: BY_TYPE.message,
  question: BY_TYPE.ask,
  decide: BY_TYPE.condition,
  call: BY_TYPE.request,
  compute: BY_TYPE.bpl,
  stop: BY_TYPE.end,
};

const UNKNOWN: Look = { name: 'unknown', title: 'unknown type', icon: `M2.5 2.5h11v11h-11z${QUESTION_MARK}` };
const MISSING: Look = { name: 'missing', title: 'missing block', icon: 'M4 4l8 8M12 4l-8 8' };
const START: Look = { name: 'start', title: 'start', icon: 'M5 3l8 5-8 5z' };
const ON_ERROR: Look = {
  name: 'on-error',
  title: 'on_error',
  icon: 'M8 2l6.5 11.5h-13zM8 6.5v3.2M8 11.6v.4',
};

const JUMP: Look = { name: 'jump', title: 'go to', icon: 'M3 3.5v3a3 3 0 0 0 3 3h7.5M10.5 6.5l3 3-3 3' };

export function lookOf(node: Pick<StudioNode, 'kind' | 'type' | 'shape'>): Look {
  switch (node.kind) {
    case 'start':
      return START;
    case 'on_error':
      return ON_ERROR;
    case 'missing':
      return MISSING;
    case 'jump':
      return JUMP;
    case 'block':
      return BY_TYPE[node.type] ?? (node.shape ? BY_SHAPE[node.shape] : undefined) ?? UNKNOWN;
  }
}

/** The legend's entries, in the order a script usually reads. */
export const LEGEND: readonly Look[] = [...Object.values(BY_TYPE), UNKNOWN, MISSING, START, ON_ERROR, JUMP];
