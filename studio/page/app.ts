import type { EditOperation, EditResult } from '../protocol.js';
import type { Api } from './api.js';
import type { Store } from './store.js';

/** The side panel's tabs, in the order they are shown. */
export const TABS = ['Block', 'Problems', 'Simulator', 'Link', 'Coverage', 'Funnel'] as const;
export type Tab = (typeof TABS)[number];

/** A case of a case file, as coverage lists it and the simulator replays it. */
export interface CaseRef {
  readonly file: string;
  readonly name: string;
}

/** What the page's parts share: the API, the state, and the few actions one part asks of another. */
export interface App {
  readonly api: Api;
  readonly store: Store;
  /** Selects a node, shows its details and brings it into view. */
  select(id: string | undefined): void;
  /** Brings a side tab to the front. */
  show(tab: Tab): void;
  /** Replays a case in the simulator. */
  replay(test: CaseRef): void;
  /** Applies a canvas operation to the unsaved text as one undo step; resolves the result (the page shows a refusal). */
  readonly edit: (operation: EditOperation) => Promise<EditResult>;
  /** Writes the unsaved text to the file; a change on disk since opens the conflict dialog instead. */
  readonly save: () => Promise<void>;
  /** Undoes the last change to the text, typed or made on the canvas. */
  readonly undo: () => void;
  readonly redo: () => void;
}
