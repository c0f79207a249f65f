/**
 * What the studio's server and page say to each other: JSON shapes only, imported by both sides
 * (the page's bundle and the server's code), so neither can drift from the other.
 */

export type * from '../engine/edit/operation.js';
import type { EditOperation, Port, TextChange, WayKind } from '../engine/edit/operation.js';

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
 * A block's ports (its ways out, then a "+" for each kind of way it may add) are spread evenly
 * down its right edge, at least this far apart: the server sizes a node to hold them and starts
 * its edges there, the page draws them there.
 */
export const PORT_GAP = 18;

/** The height a node needs for `slots` ports. */
export function portsHeight(slots: number): number {
  return (slots + 1) * PORT_GAP;
}

/** How far below the top of a node `height` high its port `slot` (of `slots`) sits. */
export function portOffset(slot: number, slots: number, height: number): number {
  return Math.round((height * (slot + 1)) / (slots + 1));
}

/**
 * A node on the canvas: a block, a block an edge names but the script lacks (`missing`), one
 * of the two markers where conversations come in (`start`) and where unrouted failures go
 * (`on_error`), or the "go to" end of a long edge (`jump`, its summary the target's id).
 */
export interface StudioNode extends Box {
  readonly id: string;
  readonly kind: 'block' | 'missing' | 'start' | 'on_error' | 'jump';
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
  /** A jump's target: the node it stands for (clicking it goes there). */
  readonly goesTo: string | undefined;
  /** Every way out of a block, connected or open, each drawn as its own port ([] for markers). */
  readonly ports: readonly Port[];
  /** The ways the designer may add (a condition's branch, an ask's choice, a request's outcome). */
  readonly adds: readonly WayKind[];
  /** The block's fields as written (YAML data as JSON), for its form; undefined for markers. */
  readonly data: unknown;
}

export interface StudioEdge {
  /** Unique in the model: `from edgePath`, as coverage and traces name a way out. */
  readonly id: string;
  readonly from: string;
  /** The node the line ends at: the target's node, or the edge's jump node. */
  readonly to: string;
  /** The block id the script names as the target (it may be missing). */
  readonly target: string;
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
  /** The script's own fields as written (`name`, `description`, `variables`…), for the Script form. */
  readonly header: Readonly<Record<string, unknown>>;
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
  /**
   * The file on disk this model's text started from: a hash of its bytes ('' when there is no
   * file yet). A save names it, and is refused when the file has changed since.
   */
  readonly disk: string;
  /** True for a model of unsaved text (`POST /api/draft`, `/api/edit`), false for the file on disk. */
  readonly draft: boolean;
  /** Nodes the designer placed by hand, by block id: they keep their place over automatic layout. */
  readonly pins: Readonly<Record<string, Point>>;
}

/** `POST /api/draft`: the model of unsaved text (validated and laid out, not written). */
export interface DraftRequest {
  readonly text: string;
}

/** `POST /api/edit`: one canvas operation applied to the page's current text. */
export interface EditRequest {
  readonly text: string;
  readonly operation: EditOperation;
}

/** `/api/edit`'s answer: the changes to apply to the YAML pane (one undo step) and the new model. */
export interface EditAnswer {
  readonly text: string;
  readonly changes: readonly TextChange[];
  readonly focus?: string;
  readonly port?: string;
  readonly renamed?: Readonly<Record<string, string>>;
  readonly model: StudioModel;
}

/** `POST /api/save`: writes `text` if the file on disk is still `base` (else 409 `studio.conflict`). */
export interface SaveRequest {
  readonly text: string;
  readonly base: string;
}

/**
 * `/api/save` refused with 409 `studio.conflict`: the file as it is on disk now, for the page to
 * show beside its own text (`text` is '' when there is no file).
 */
export interface SaveConflict {
  readonly error: { readonly code: string; readonly message: string };
  readonly disk: string;
  readonly text: string;
}

/** `POST /api/copy`: the named blocks as a YAML snippet (comments kept), for the clipboard. */
export interface CopyRequest {
  readonly text: string;
  readonly ids: readonly string[];
}

export interface CopyAnswer {
  readonly blocks: string;
}

/** `POST /api/pins`: every pinned node (the sidecar file is rewritten whole). */
export interface PinsRequest {
  readonly pins: Readonly<Record<string, Point>>;
}

/** Server-sent events on `/api/events`: `event: script` carries a StudioModel. */
export const SCRIPT_EVENT = 'script';

/** The header every API call carries the per-run token in (the event stream: `?token=`). */
export const TOKEN_HEADER = 'x-botflow-token';

/** An API failure: a one-sentence message for the page to show. */
export interface ApiError {
  readonly error: string;
}

/** `POST /api/coverage`'s body: `{}` runs every case, `filter` only those whose name contains it. */
export interface CoverageRequest {
  readonly filter?: string;
}

/** A place in a case file: where a case failed, or why the file was not run. */
export interface CasePlace {
  readonly line: number;
  readonly column: number;
}

/** Why a case file was not run: its own mistake, its script's, or a case file for another script. */
export interface CoverageProblem extends CasePlace {
  readonly file: string;
  readonly message: string;
}

/** One case file of the run, and why it was not run when it was not. */
export interface CoverageFile {
  readonly file: string;
  /** Empty when its cases ran. */
  readonly problems: readonly CoverageProblem[];
}

/** One case's outcome, as `botflow test` prints it. */
export interface CoverageCase {
  readonly file: string;
  readonly name: string;
  readonly passed: boolean;
  readonly failure?: CasePlace & {
    readonly message: string;
    /** 1-based, when a step failed. */
    readonly step?: number;
    readonly expected?: string;
    readonly got?: string;
  };
  readonly durationMs: number;
}

export interface Tally {
  readonly reached: number;
  readonly total: number;
}

/** What the case files reached, as `botflow test --coverage` counts it. */
export interface CoverageReport {
  /** The model's revision the run was made against: a later one makes the report stale. */
  readonly revision: number;
  /** The script changed on disk while the cases ran: the report may mix two versions of it. */
  readonly stale?: true;
  /** The name filter the run had, when it had one. */
  readonly filter?: string;
  readonly files: readonly CoverageFile[];
  readonly cases: readonly CoverageCase[];
  /** As `botflow test` counts: a case file that could not be run is one failure. */
  readonly passed: number;
  readonly failed: number;
  readonly blocks: Tally;
  readonly branches: Tally;
  /** Block ids and edge ids (`block path`, as StudioEdge.id) some case reached. */
  readonly reached: { readonly blocks: readonly string[]; readonly edges: readonly string[] };
  /** What no case reached, in file order; `edge` is '' for a block. */
  readonly unreached: readonly { readonly block: string; readonly edge: string; readonly line: number }[];
}

/** What the Funnel tab says, and `GET /api/funnel` answers, when the studio has no `--store`. */
export const NO_STORE_HINT =
  'To see how conversations went through the script, start the studio with the session store botflow serve writes: npx botflow studio <script> --store sqlite:./botflow-sessions.db (or redis://HOST:PORT).';

/** `GET /api/funnel/setup`: the session store the studio reads the funnel from (`--store`), if any. */
export interface FunnelSetup {
  /** Where it is, as `serve` logs it (a file, a Redis host; never a password); null without `--store`. */
  readonly store: string | null;
}

/** Conversations by where their last turn stopped. */
export interface FunnelStopped {
  readonly waiting: number;
  readonly ended: number;
  readonly error: number;
}

/** A block's counts, as `botflow report --funnel --format json` gives them. */
export interface FunnelBlockCounts {
  readonly id: string;
  readonly type: string | null;
  /** How many times a turn entered it. */
  readonly entered: number;
  /** The conversations whose last turn stopped here. */
  readonly stopped: FunnelStopped;
  /** Of its entries, the share (0–100) that stopped here waiting or with an error; null: never entered. */
  readonly dropOff: number | null;
  /** Its ways out by YAML path in the block (`next`, `branches[0].next`); target null when the script has none. */
  readonly edges: readonly {
    readonly edge: string;
    readonly target: string | null;
    readonly taken: number;
  }[];
}

/** `GET /api/funnel`: the store's funnel, laid over the script as saved at `revision`. */
export interface StudioFunnel {
  /** The model's revision whose script named the blocks and edges: a later one makes it stale. */
  readonly revision: number;
  readonly conversations: number;
  readonly stopped: FunnelStopped;
  /** The script's blocks in file order, each one even when never entered. */
  readonly blocks: readonly FunnelBlockCounts[];
  /** Blocks an earlier version of the script counted that this one no longer has. */
  readonly retired: readonly FunnelBlockCounts[];
}

/** How a simulated conversation starts: an invitation link, a short-key payload, or a plain id. */
export type SimulatorStart =
  { readonly link: string } | { readonly payload: unknown } | { readonly param: string };

/** `GET /api/chat/setup`: the channels a conversation may report, and the command line's start. */
export interface SimulatorSetup {
  readonly channels: readonly string[];
  readonly start: SimulatorStart;
  /** The command line's `--channel` (or its link's); undefined: the default. */
  readonly channel: string | undefined;
}

/** A case of a case file, as the simulator replays it and coverage lists it. */
export interface StudioCase {
  readonly file: string;
  readonly name: string;
  /** The case's `start`, as the file writes it (`{}` when it has none). */
  readonly start: Readonly<Record<string, unknown>>;
  /** The user's replies, in order. */
  readonly steps: readonly string[];
}

/** `GET /api/cases`: every case of the studio's case files; a file that does not load gives its problems. */
export interface StudioCases {
  readonly cases: readonly StudioCase[];
  readonly problems: readonly { readonly file: string; readonly message: string }[];
}

export interface SimulatorMessage {
  readonly text: string;
  readonly buttons: readonly string[];
}

/** One turn of a simulated conversation; every env value is masked as `***`. */
export interface SimulatorTurn {
  readonly messages: readonly SimulatorMessage[];
  readonly status: 'waiting' | 'ended' | 'error';
  /** The block the conversation waits in, or ended in. */
  readonly block: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly result: string | null;
  readonly diagnostics: readonly {
    readonly severity: 'error' | 'warning' | 'info';
    readonly code: string;
    readonly message: string;
  }[];
  /** The blocks the turn entered, in order. */
  readonly blocks: readonly string[];
  /** The edges the turn took (StudioEdge ids), in order. */
  readonly edges: readonly string[];
}

/** `POST /api/chat/start`. */
export interface SimulatorStarted {
  readonly session: string;
  readonly turn: SimulatorTurn;
}

/** `POST /api/chat/send`: the reply as the log shows it (env values masked, as in the turn) and the turn. */
export interface SimulatorSent {
  readonly said: string;
  readonly turn: SimulatorTurn;
}

/** `POST /api/chat/save`: where the case file was written, relative to the folder the studio runs in. */
export interface SimulatorSaved {
  readonly file: string;
  readonly steps: number;
  readonly warnings: readonly string[];
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
    /** The expiry: whole seconds since 1970. */
    readonly x?: number;
  } | null;
  /** Whether the data is signed, and whether its tag holds (docs/invitation-links.md, "Signed links"). */
  readonly signature: 'valid' | 'invalid' | 'missing' | 'expired' | 'unchecked';
  /** True for a valid signed value only: what a bot seeds as `linkVerified`. */
  readonly linkVerified: boolean;
  readonly variables: Readonly<Record<string, PayloadValue>>;
  readonly diagnostics: readonly {
    readonly severity: 'error' | 'warning' | 'info';
    readonly code: string;
    readonly message: string;
  }[];
}
