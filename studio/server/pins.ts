import { open, rm } from 'node:fs/promises';
import * as z from 'zod';
import { HttpError } from '../../channels/http/errors.js';
import { parseBody } from '../../channels/http/schemas.js';
import { quote } from '../../channels/error.js';
import type { Point, StudioProblem } from '../protocol.js';
import type { PinStore, StudioContext, StudioRoute } from './context.js';
import { fileSystemReason, scriptStem, writeAtomically } from './disk.js';
import { MAX_DRAWN_BLOCKS } from './model.js';

/** The sidecar's format version: a file of another version is left alone, not misread. */
const VERSION = 1;
const VERSION_KEY = 'botflow-studio';

/** A sidecar holds coordinates only: anything larger is not one of ours. */
const SIDECAR_LIMIT = 1024 * 1024;

/** Far beyond any flow's picture; keeps a stray value from making the page's canvas absurdly large. */
const COORDINATE_LIMIT = 1_000_000;

const BLOCK_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

const isPoint = (value: unknown): value is Point => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { x, y, ...rest } = value as Record<string, unknown>;
  const inRange = (n: unknown) => typeof n === 'number' && Math.abs(n) <= COORDINATE_LIMIT;
  return Object.keys(rest).length === 0 && inRange(x) && inRange(y);
};

/**
 * Pins as a page sends them and the sidecar holds them: block ids (never a marker's or another
 * node's) to points. The sentence says what is wrong with the first bad entry.
 */
function checkPins(value: unknown): { pins: Pins } | { wrong: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { wrong: '"pins" must be an object of block ids to points' };
  }
  // Own keys as JSON.parse made them, `__proto__` included.
  const entries = Object.entries(value);
  if (entries.length > MAX_DRAWN_BLOCKS) return { wrong: `at most ${MAX_DRAWN_BLOCKS} nodes can be pinned` };
  const pins: Record<string, Point> = {};
  for (const [id, point] of entries) {
    if (!BLOCK_ID.test(id)) return { wrong: `${quote(id)} is not a block id, so it cannot be pinned` };
    if (!isPoint(point)) {
      return {
        wrong: `the pin of ${quote(id)} must be { "x": number, "y": number }, each within ±${COORDINATE_LIMIT}`,
      };
    }
    pins[id] = { x: point.x, y: point.y };
  }
  return { pins };
}

export type Pins = Readonly<Record<string, Point>>;

/** `order.yaml` → `order.studio.json`, beside it (as `order.cases.yaml` is). */
export function sidecarOf(file: string): string {
  return `${scriptStem(file)}.studio.json`;
}

/**
 * The nodes a designer placed by hand, kept in a sidecar file beside the script (never in the
 * YAML). Reads and writes take turns, so a read never sees half of a write's effect; a sidecar
 * that cannot be read is a warning on the page and counts as no pins.
 */
export class PinFile implements PinStore {
  readonly file: string;
  private pins: Pins = {};
  private problem: StudioProblem | undefined;
  private turn: Promise<unknown> = Promise.resolve();

  /** `written` is told after each write, so the models already made can take the new pins. */
  constructor(
    script: string,
    private readonly written: () => void = () => undefined,
  ) {
    this.file = sidecarOf(script);
  }

  /** The pins as last read or written, and why the sidecar was ignored when it was. */
  get current(): { readonly pins: Pins; readonly problems: readonly StudioProblem[] } {
    return { pins: this.pins, problems: this.problem ? [this.problem] : [] };
  }

  /** Reads the sidecar again (it may have changed with the script, e.g. a checkout). */
  read(): Promise<void> {
    return this.inTurn(async () => {
      const { pins, problem } = await this.load();
      this.pins = pins;
      this.problem = problem;
    });
  }

  /** Replaces every pin: the sidecar is rewritten whole (temp file + rename), or removed when empty. */
  write(pins: Pins): Promise<void> {
    return this.inTurn(async () => {
      const sorted = Object.fromEntries(Object.entries(pins).sort(([a], [b]) => (a < b ? -1 : 1)));
      try {
        if (Object.keys(sorted).length === 0) await rm(this.file, { force: true });
        else
          await writeAtomically(
            this.file,
            `${JSON.stringify({ [VERSION_KEY]: VERSION, pins: sorted }, null, 2)}\n`,
          );
      } catch (error) {
        const reason = fileSystemReason(error) ?? String(error);
        throw new HttpError(
          'studio.cannot-pin',
          `cannot write ${this.file} (${reason}); the pins are kept until the studio stops`,
        );
      } finally {
        // The page placed the nodes already: they stay placed for this run even when the file is not written.
        this.pins = sorted;
        this.problem = undefined;
        this.written();
      }
    });
  }

  private inTurn(work: () => Promise<void>): Promise<void> {
    const done = this.turn.then(work);
    this.turn = done.catch(() => undefined);
    return done;
  }

  private async load(): Promise<{ pins: Pins; problem?: StudioProblem }> {
    let text: string;
    try {
      const handle = await open(this.file, 'r');
      try {
        const buffer = Buffer.alloc(SIDECAR_LIMIT + 1);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        if (bytesRead > SIDECAR_LIMIT) return { pins: {}, problem: this.broken('it is larger than 1 MiB') };
        text = buffer.toString('utf8', 0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { pins: {} };
      return { pins: {}, problem: this.broken(`it cannot be read (${code ?? String(error)})`) };
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { pins: {}, problem: this.broken('it is not JSON') };
    }
    const {
      [VERSION_KEY]: version,
      pins,
      ...rest
    } = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
    if (typeof version === 'number' && version !== VERSION) {
      return {
        pins: {},
        problem: this.broken(
          `it is version ${version} of the format, and this studio reads version ${VERSION}`,
        ),
      };
    }
    const checked = checkPins(pins);
    if (version !== VERSION || Object.keys(rest).length > 0 || 'wrong' in checked) {
      const why = 'wrong' in checked && version === VERSION ? `: ${checked.wrong}` : '';
      return {
        pins: {},
        problem: this.broken(
          `it is not { "${VERSION_KEY}": ${VERSION}, "pins": { "<block id>": { "x": …, "y": … } } }${why}`,
        ),
      };
    }
    return { pins: checked.pins };
  }

  private broken(why: string): StudioProblem {
    return {
      severity: 'warning',
      code: 'studio.bad-sidecar',
      message: `${this.file} is ignored: ${why}`,
      hint: 'fix or delete it; moving a node on the canvas writes it anew',
      file: this.file,
      line: 1,
      column: 1,
      path: '',
      block: undefined,
    };
  }
}

/** `POST /api/pins`: every pinned node at once; the models that follow carry them. */
export function pinRoutes(context: StudioContext): StudioRoute[] {
  const body = z.strictObject({ pins: z.unknown() });
  return [
    {
      method: 'POST',
      path: '/api/pins',
      handle: async ({ body: value }) => {
        const { pins } = parseBody(body, value);
        if (pins === undefined) throw new HttpError('http.invalid-body', 'the body needs the field "pins"');
        const checked = checkPins(pins);
        if ('wrong' in checked) throw new HttpError('http.invalid-body', checked.wrong);
        await context.pins.write(checked.pins);
        return { pins: context.pins.current.pins };
      },
    },
  ];
}
