import type { ReportingStore, Script, StartOptions } from '../../engine/index.js';
import { HttpError } from '../../channels/http/errors.js';
import type { Point, StudioModel, StudioProblem } from '../protocol.js';

/** What the studio was started with and where the script stands: what every route works from. */
export interface StudioContext {
  /** The script file as the command line named it. */
  readonly file: string;
  /** The host's env values, as `--env` and `--env-from` gave them. */
  readonly env: Readonly<Record<string, string>>;
  /** The link secrets signed start values are checked with (BOTFLOW_LINK_SECRET or `--secret-from`). */
  readonly linkSecrets: readonly string[];
  /** Hosts a Server Request may reach at a private address (`--allow-host`). */
  readonly allowHosts: readonly string[];
  /** The case files coverage runs and the simulator takes mocks from; the simulator adds those it saves. */
  readonly caseFiles: string[];
  /**
   * With no case file named: the one beside the script (`x.yaml` → `x.cases.yaml`), taken in as
   * soon as it exists, so a case file written while the studio runs is found.
   */
  readonly casesBeside: string | undefined;
  /** How the simulator starts when the page names no start (the command line's start options). */
  readonly start: StartOptions;
  /** Strict mode, for coverage runs as for the script the page shows. */
  readonly strict: boolean;
  /** `--draw` values: fixed draws for random blocks. */
  readonly draws: Readonly<Record<string, number>>;
  /** The nodes the designer pinned, kept in the sidecar file beside the script. */
  readonly pins: PinStore;
  /** The session store the Funnel tab reads (`--store`): only read, never written. */
  readonly reports: ReportSource | undefined;
  /** The script as last read from disk. */
  current(): Loaded;
  /**
   * The file changed: reads it again (or takes `written`, the text the studio itself just wrote),
   * in turn with the watcher's reads, tells every page, and answers the new model.
   */
  reload(written?: string): Promise<Loaded>;
  /** The model of unsaved text, laid out as the file's would be (the layout of an unchanged graph is reused). */
  draft(text: string): Promise<StudioModel>;
}

/** Where the nodes the designer placed by hand are kept (pins.ts: a sidecar file beside the script). */
export interface PinStore {
  /** The pins as last read or written, and why the sidecar was ignored when it was. */
  readonly current: {
    readonly pins: Readonly<Record<string, Point>>;
    readonly problems: readonly StudioProblem[];
  };
  /** Replaces every pin. */
  write(pins: Readonly<Record<string, Point>>): Promise<void>;
}

/** A session store a `serve` session wrote, and where it is, as `serve` logs it (no password). */
export interface ReportSource {
  readonly store: ReportingStore;
  readonly where: string;
}

export interface Loaded {
  readonly model: StudioModel;
  /** The script when it loads without errors. */
  readonly script: Script | undefined;
}

/** What the studio's user is told to do about env names with no value. */
export const STUDIO_ENV_HINT = 'start the studio with --env NAME=value or --env-from FILE';

/** The loaded script, or a 409 that says why nothing can run. */
export function runnable(context: StudioContext): Script {
  const { script } = context.current();
  if (!script) throw new HttpError('studio.not-loaded', 'the script has errors; fix them to run it');
  return script;
}

/** One API route of the studio. */
export interface StudioRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** The most bytes its JSON body may have, when it is not the studio's default (64 KiB). */
  readonly bodyLimit?: number;
  /** The answer, sent as JSON. */
  handle(input: { readonly body: unknown; readonly query: URLSearchParams }): unknown;
}
