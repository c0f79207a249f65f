import type { Point, StudioModel } from '../protocol.js';

/** Blocks and edges to mark on the graph: a conversation's path, or what the tests reached. */
export interface Marks {
  readonly blocks: ReadonlySet<string>;
  /** Edge ids (`block path`, as StudioEdge.id). */
  readonly edges: ReadonlySet<string>;
}

/** A block's counts, as its badge on the graph shows them. */
export interface BlockCounts {
  readonly entered: number;
  /** Percent of its entries that went no further; null when it was never entered. */
  readonly dropOff: number | null;
}

/** The funnel laid over the graph: counts by block id, and by edge id (`block path`). */
export interface FunnelMarks {
  readonly blocks: ReadonlyMap<string, BlockCounts>;
  readonly edges: ReadonlyMap<string, number>;
}

/** Everything the page shows that can change; each part of the page draws itself from it. */
export interface State {
  /** What the page shows: the unsaved text's model while there are edits, else the file's. */
  readonly model: StudioModel | undefined;
  /** The file on disk's model: what the simulator and the tests run. */
  readonly saved: StudioModel | undefined;
  /** The selected node's id. */
  readonly selected: string | undefined;
  /** The simulator's conversation: the block it stands in and the way it came. */
  readonly run: (Marks & { readonly at: string | undefined }) | undefined;
  /** What the case files reached, after a coverage run. */
  readonly coverage: Marks | undefined;
  /** The session store's counts, after the Funnel tab read them. */
  readonly funnel: FunnelMarks | undefined;
  /** Blocks the designer placed by hand, by id (the canvas writes them to the sidecar file). */
  readonly pins: Readonly<Record<string, Point>>;
}

type Listener = (state: State, previous: State) => void;

/** One state, changed by `update`, listened to by the page's parts. */
export class Store {
  private current: State = {
    model: undefined,
    saved: undefined,
    selected: undefined,
    run: undefined,
    coverage: undefined,
    funnel: undefined,
    pins: {},
  };
  private readonly listeners = new Set<Listener>();

  get state(): State {
    return this.current;
  }

  update(change: Partial<State>): void {
    const previous = this.current;
    this.current = { ...previous, ...change };
    for (const listener of this.listeners) listener(this.current, previous);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
