/**
 * What the studio's server and page say to each other: JSON shapes only, imported by both sides
 * (the page's bundle and the server's code), so neither can drift from the other.
 */

export type Shape = 'say' | 'question' | 'decide' | 'call' | 'compute' | 'stop';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Box extends Point {
  readonly width: number;
  readonly height: number;
}

/**
 * A node on the canvas: a block, a block an edge names but the script lacks (`missing`), or one
 * of the two markers where conversations come in (`start`) and where unrouted failures go
 * (`on_error`).
 */
export interface StudioNode extends Box {
  readonly id: string;
  readonly kind: 'block' | 'missing' | 'start' | 'on_error';
  /** The block type as written ('' when it names none). */
  readonly type: string;
  /** Undefined for an unknown type and for markers. */
  readonly shape: Shape | undefined;
  readonly summary: string;
  readonly writes: readonly string[];
  readonly valid: boolean;
  readonly reachable: boolean;
  /** The block's lines in the file, its id's line first (0 for nodes that are not blocks). */
  readonly firstLine: number;
  readonly lastLine: number;
  /** Indexes into the model's problems. */
  readonly problems: readonly number[];
}

export interface StudioEdge {
  /** Unique in the model: `from edgePath`, as coverage and traces name a way out. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  /** What takes the edge (a branch's expression, an outcome, a choice); '' for plain `next`. */
  readonly label: string;
  /** The YAML path inside the block where the target is written (`on.success`, `branches[0].next`). */
  readonly path: string;
  /** The polyline the layout routed, start to end. */
  readonly points: readonly Point[];
  readonly labelBox: Box | undefined;
}

export interface StudioProblem {
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
  readonly hint: string | undefined;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The YAML path (`blocks.greet.next`). */
  readonly path: string;
  /** The block it belongs to, when it belongs to one. */
  readonly block: string | undefined;
}

/** The script as the page shows it. Sent whole on load and after every change on disk. */
export interface StudioModel {
  /** The script file as the command line named it. */
  readonly file: string;
  readonly name: string;
  /** Counts reloads from 1, so the page can ignore an older model arriving late. */
  readonly revision: number;
  /** The file's text, for the YAML view. */
  readonly text: string;
  /** The script loads (no errors): the simulator and coverage can run it. */
  readonly loads: boolean;
  readonly nodes: readonly StudioNode[];
  readonly edges: readonly StudioEdge[];
  readonly problems: readonly StudioProblem[];
  readonly width: number;
  readonly height: number;
}

/** Server-sent events on `/api/events`: `event: script` carries a StudioModel. */
export const SCRIPT_EVENT = 'script';

/** The header every API call carries the per-run token in (the event stream: `?token=`). */
export const TOKEN_HEADER = 'x-botflow-token';

/** An API failure: a one-sentence message for the page to show. */
export interface ApiError {
  readonly error: string;
}

/** A value a link's payload carries. */
export type PayloadValue = string | number | boolean;

/** `POST /api/link`: a client's data (or a plain id) and where the link leads, as `botflow link` takes them. */
export interface LinkRequest {
  readonly channel: string;
  /** The bot username, page, account, chat URI, community or phone number. */
  readonly name: string;
  readonly phone?: string;
  readonly email?: string;
  /** The client's external id (`clientExternalId`). */
  readonly id?: string;
  /** Script variables; values are text, as with `botflow link --var`. */
  readonly variables?: Readonly<Record<string, string>>;
  /** A plain client id put in the link as it is, instead of the fields above. */
  readonly raw?: string;
  /** Telegram: a `startgroup` link. */
  readonly group?: boolean;
  /** WhatsApp: the prefilled message the data rides in. */
  readonly text?: string;
}

/** The link data measured against the budget of a link; in every answer that could measure it. */
export interface LinkMeasure {
  /** The link's data: the encoded payload (even over the limit) or the plain id. */
  readonly data: string;
  readonly length: number;
  readonly limit: number;
  /** The field whose removal saves the most characters (`p`, `e`, `eId`, `v.<name>`); payloads only. */
  readonly costliest?: { readonly field: string; readonly saving: number };
  /** What `botflow link` advises when the payload is over the limit. */
  readonly advice?: string;
}

/** `POST /api/link` answered 200. */
export interface LinkAnswer extends LinkMeasure {
  readonly link: string;
}

/** `POST /api/link` refused (422): the reason, and the measure when the data could be measured. */
export type LinkRefusal = {
  readonly error: { readonly code: string; readonly message: string };
} & Partial<LinkMeasure>;

/** `POST /api/decode`: a link or its data alone (`link`), or data (`data`); `channel` names the one it arrives on. */
export type DecodeRequest = ({ readonly link: string } | { readonly data: string }) & {
  readonly channel?: string;
};

/** What a link seeds, as `botflow decode --json` prints it, with the link's bot or page name. */
export interface DecodeAnswer {
  readonly channel: string | null;
  readonly name: string | null;
  readonly startParam: string;
  /** The decoded short-key payload; null for a plain id or no data. */
  readonly payload: {
    readonly p?: string;
    readonly e?: string;
    readonly eId?: string;
    readonly v?: Readonly<Record<string, PayloadValue>>;
  } | null;
  readonly variables: Readonly<Record<string, PayloadValue>>;
  readonly diagnostics: readonly {
    readonly severity: 'error' | 'warning';
    readonly code: string;
    readonly message: string;
  }[];
}
