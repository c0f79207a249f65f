import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { link, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { Document, isCollection, isScalar, visit } from 'yaml';
import {
  BotflowError,
  REPLY_LIMIT,
  type HttpOutcome,
  type OutgoingMessage,
  type StartOptions,
  type Transport,
  type Turn,
} from '../engine/index.js';
import { MIN_SECRET_LENGTH, placeholderMasker, type Masker } from '../engine/runtime/mask.js';
import { DEFAULT_MAX_BYTES } from '../engine/script/read-yaml.js';
import { caseFileSchema } from './case-schema.js';

/** One attempt of an HTTP request, as the network answered it. */
export interface RecordedCall {
  readonly method: string;
  readonly url: string;
  readonly outcome: HttpOutcome;
}

/**
 * Wraps a single-attempt transport so every attempt is told to `onCall` with its outcome. Put it
 * under `retrying(…)`: each retry is then its own call, and replays as the next mock answer.
 */
export function recordingTransport(transport: Transport, onCall: (call: RecordedCall) => void): Transport {
  return async (request, signal) => {
    const outcome = await transport(request, signal);
    onCall({ method: request.method, url: request.url, outcome });
    return outcome;
  };
}

/** How the recorded conversation started, as a case's `start` says it. */
export interface RecordedStart {
  readonly link?: string;
  readonly param?: string;
  readonly payload?: unknown;
  /** The channel the conversation reported (chat's default is `cli`, a replay's `test`). */
  readonly channel: string;
}

/** The recorded form of a start: the link itself when it came from one, so the case shows it. */
export function recordedStart(start: StartOptions, link?: string): RecordedStart {
  const channel = start.channel ?? 'cli';
  if (link !== undefined) return { link, channel };
  if (start.payload !== undefined) return { payload: start.payload, channel };
  return { param: start.startParam ?? '', channel };
}

export interface CaseOptions {
  /** Where the case file will be written: `script` and the schema comment are relative to it. */
  readonly caseFile: string;
  readonly scriptFile: string;
  readonly start: RecordedStart;
  /** The env the live bot ran with. Secret values never reach the file (see `envForCase`). */
  readonly env: Readonly<Record<string, string>>;
  /** Env names whose values are written as they are (`--record-env`): they are not secrets. */
  readonly keepEnv?: readonly string[];
  /** The fixed draws the live bot ran with (`--draw`), for the replay to take the same branches. */
  readonly draws?: Readonly<Record<string, number>>;
  readonly name?: string;
  /** What recorded it, for the default name (`botflow chat`). */
  readonly recordedWith?: string;
}

/** A recorded case file: its YAML text, and what may keep it from replaying as it was recorded. */
export interface RecordedCase {
  readonly text: string;
  readonly steps: number;
  readonly warnings: readonly string[];
}

type BotStep = string | { text: string; buttons: string[] };
type Step = { user: string } | { bot: BotStep };

/**
 * A conversation being recorded: the bot's messages and the user's replies as case steps, every
 * HTTP attempt, and the fixed time the live bot reads as `now` (give `clock` to the bot, so what
 * was said live is what the replay says). `restart` starts the recording over.
 */
export class Recording {
  private steps: Step[] = [];
  private calls: RecordedCall[] = [];
  private last: Turn | undefined;
  private startedAt: Date;

  constructor(now: Date = new Date()) {
    this.startedAt = now;
  }

  /** The live bot's clock: the time the recording started, fixed, as the replay's `clock` is. */
  readonly clock = (): Date => this.startedAt;

  /** `transport` with each attempt recorded: build the bot's client as `retrying(recording.wrap(t))`. */
  wrap(transport: Transport): Transport {
    return recordingTransport(transport, (call) => this.calls.push(call));
  }

  /** Forgets everything recorded; the clock moves to `now`. Call it before the bot starts again. */
  restart(now: Date = new Date()): void {
    this.steps = [];
    this.calls = [];
    this.last = undefined;
    this.startedAt = now;
  }

  /** A turn the bot took: each message becomes a `bot` step; the last turn becomes `expect`. */
  botSaid(turn: Turn): void {
    this.steps.push(...turn.messages.map((message) => ({ bot: botStep(message) })));
    this.last = turn;
  }

  /** A reply as it was sent to the bot, cut as the bot cuts it (a case's reply has the bot's limit). */
  userSaid(text: string): void {
    const reply =
      text.length > REPLY_LIMIT ? text.slice(0, REPLY_LIMIT).replace(/[\uD800-\uDBFF]$/, '') : text;
    this.steps.push({ user: reply });
  }

  /** The case file for what was recorded, with every secret replaced by its placeholder. */
  toCase(options: CaseOptions): RecordedCase {
    const warnings: string[] = [];
    const { env, mask } = envForCase(options.env, options.keepEnv ?? []);
    const caseDir = dirname(resolve(options.caseFile));
    const when = this.startedAt.toISOString();
    const oneCase = {
      name:
        options.name ??
        `recorded with ${options.recordedWith ?? 'botflow chat'} on ${when.slice(0, 16).replace('T', ' ')} UTC`,
      start: mask(startOf(options.start)),
      ...(Object.keys(env).length > 0 && { env }),
      clock: when,
      ...(options.draws && Object.keys(options.draws).length > 0 && { draws: options.draws }),
      ...(this.calls.length > 0 && { http: mocksOf(mask(this.calls), warnings) }),
      steps: mask(this.steps),
      ...(this.last && { expect: expectOf(this.last) }),
    };
    const data = { script: toPosix(relative(caseDir, resolve(options.scriptFile))), cases: [oneCase] };
    const checked = caseFileSchema.safeParse(data);
    if (!checked.success) {
      for (const issue of checked.error.issues.slice(0, 5))
        warnings.push(
          `the recording breaks the case format at ${issue.path.map(String).join('.')}: ${issue.message}`,
        );
    }
    const schema = findUpward(caseDir, 'botflow.cases.schema.json');
    const header =
      schema === undefined ? '' : `# yaml-language-server: $schema=${toPosix(relative(caseDir, schema))}\n`;
    const text = header + toYaml(data);
    if (Buffer.byteLength(text) > DEFAULT_MAX_BYTES)
      warnings.push(`the case file is over ${DEFAULT_MAX_BYTES} bytes, which botflow test refuses to read`);
    return { text, steps: this.steps.length, warnings };
  }
}

/** YAML as a designer would write it: block style, with a message's buttons and a mock's match on one line. */
function toYaml(data: unknown): string {
  const document = new Document(data);
  visit(document, {
    Pair(_, pair) {
      if (
        isScalar(pair.key) &&
        ['buttons', 'match'].includes(String(pair.key.value)) &&
        isCollection(pair.value)
      )
        pair.value.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, singleQuote: true, flowCollectionPadding: false });
}

function botStep(message: OutgoingMessage): BotStep {
  return message.buttons && message.buttons.length > 0
    ? { text: message.text, buttons: [...message.buttons] }
    : message.text;
}

function startOf(start: RecordedStart): Record<string, unknown> {
  if (start.link !== undefined) return { link: start.link, channel: start.channel };
  if (start.payload !== undefined) return { payload: start.payload, channel: start.channel };
  if (start.param !== undefined && start.param !== '') return { param: start.param, channel: start.channel };
  return { channel: start.channel };
}

function expectOf(turn: Turn): Record<string, unknown> {
  return {
    status: turn.status,
    ...(turn.status !== 'waiting' && { result: turn.result }),
    block: turn.block,
  };
}

/**
 * Recorded attempts as mocks: one per method and URL, its answers in the order they came (the
 * mock answers in sequence, so retries replay). A mock with a query string comes first: one without
 * compares the path only, and would also take the calls with a query.
 */
function mocksOf(calls: readonly RecordedCall[], warnings: string[]): unknown[] {
  const mocks = new Map<string, { method: string; url: string; answers: unknown[] }>();
  for (const call of calls) {
    const url = matchUrl(call.url);
    const key = `${call.method} ${url}`;
    let mock = mocks.get(key);
    if (!mock) {
      mock = { method: call.method, url, answers: [] };
      mocks.set(key, mock);
    }
    mock.answers.push(answerOf(call, warnings));
  }
  const ordered = [...mocks.values()].sort(
    (a, b) => Number(b.url.includes('?')) - Number(a.url.includes('?')),
  );
  return ordered.map(({ method, url, answers }) => ({
    match: { method, url },
    respond: answers.length === 1 ? answers[0] : answers,
  }));
}

/** The URL as a mock compares it: origin and path, with the query only when there is one. */
function matchUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return url.search === '' ? `${url.origin}${url.pathname}` : url.href;
  } catch {
    return raw;
  }
}

function answerOf({ method, url, outcome }: RecordedCall, warnings: string[]): unknown {
  switch (outcome.kind) {
    case 'response': {
      const contentType = outcome.headers['content-type'];
      return {
        status: outcome.status,
        ...(contentType !== undefined && { headers: { 'content-type': contentType } }),
        ...(outcome.body !== '' && { body: outcome.body }),
      };
    }
    case 'timeout':
      return { timeout: true };
    case 'network':
      return { network: true };
    case 'limit':
      // A mock cannot refuse as our own limits do (never retried, routed as `limit`): the nearest is a
      // failed connection, which the script may route or retry differently.
      warnings.push(
        `${method} ${url} was refused (${outcome.message}); it is recorded as a network failure, which the script may retry or route differently`,
      );
      return { network: true };
  }
}

const PLACEHOLDER = '***';

/**
 * The env a recorded case replays with, and a function that replaces each secret with its
 * placeholder in anything written (in its raw and URL-encoded forms, so it also holds in URLs).
 *
 * - a name in `keep` (`--record-env`), and a value under 4 characters (the engine does not treat it
 *   as a secret: turns show it), keep their value;
 * - an absolute http(s) URL becomes `<scheme>://<name>.invalid` (a reserved name that never
 *   resolves): requests built on it still make absolute URLs, and the recorded mocks use it too;
 * - anything else becomes `***`, which is also what the live chat showed in its place.
 *
 * The replay renders the placeholder where the script reads the env value; the live bot masked
 * the value as `***` in what it said, and so does the replay, so messages compare equal. A script
 * that compares or branches on an env value must have it kept with `--record-env`.
 */
export function envForCase(
  env: Readonly<Record<string, string>>,
  keep: readonly string[],
): { env: Record<string, string>; mask: Masker } {
  const kept = new Set(keep.map((name) => env[name]).filter((value) => value !== undefined));
  const placeholders = new Map<string, string>();
  const hosts = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (keep.includes(name) || kept.has(value) || value.length < MIN_SECRET_LENGTH) continue;
    if (!placeholders.has(value)) placeholders.set(value, placeholderFor(name, value, hosts));
  }
  // No cut-off pieces: the bot's messages come masked already, and a mock URL or a kept value that
  // only begins like a secret URL must be written as it is, or the case would not replay.
  const mask = placeholderMasker(placeholders, { cutPieces: false });
  const written = Object.fromEntries(
    Object.entries(env).map(([name, value]) => [name, placeholders.get(value) ?? mask(value)]),
  );
  return { env: written, mask };
}

function placeholderFor(name: string, value: string, hosts: Set<string>): string {
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return PLACEHOLDER;
  const protocol = value.slice(0, value.indexOf(':')).toLowerCase();
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'env';
  let host = base;
  for (let n = 2; hosts.has(host); n++) host = `${base}-${n}`;
  hosts.add(host);
  return `${protocol}://${host}.invalid${value.endsWith('/') ? '/' : ''}`;
}

function findUpward(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const toPosix = (path: string) => path.split(sep).join('/');

/**
 * Checks, before a recording begins, that its file can be written: its folder exists, and the
 * file does not (unless `force`). Throws a BotflowError (exit 1) saying why not.
 */
export async function checkRecordTarget(file: string, force: boolean): Promise<void> {
  const folder = await stat(dirname(resolve(file))).catch(() => undefined);
  if (!folder?.isDirectory())
    throw new BotflowError('record.no-folder', `cannot record to ${file}: its folder does not exist`);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory())
    throw new BotflowError('record.is-folder', `cannot record to ${file}: it is a folder`);
  if (existing && !force)
    throw new BotflowError('record.exists', `${file} already exists; add --force to overwrite it`);
}

/**
 * Writes a case file atomically: a temporary file in the same folder, then renamed over `file`
 * (`force`) or linked to it, which fails if it appeared meanwhile. Then, with `onConflict: 'keep'`
 * (a recording that exists nowhere else), the text stays in the temporary file and the error says
 * where; otherwise, and on any other failure, no temporary file is left.
 */
export async function writeCaseFile(
  file: string,
  text: string,
  force: boolean,
  onConflict: 'keep' | 'discard' = 'keep',
): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  // Opened apart from the write: a failed open created nothing of ours to remove.
  const handle = await open(temp, 'wx');
  let kept = false;
  try {
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
    if (force) await rename(temp, file);
    else if (!(await linkNew(temp, file))) {
      kept = onConflict === 'keep';
      throw new BotflowError(
        'record.exists',
        kept
          ? `${file} appeared while recording, so it was not overwritten; the recording is in ${temp}`
          : `${file} appeared while it was being written, so it was not overwritten`,
      );
    }
  } finally {
    // Gone already when renamed; a link leaves it beside the file.
    if (!kept) await rm(temp, { force: true });
  }
}

/** Gives `temp` the name `file` unless a file has it: false then. */
async function linkNew(temp: string, file: string): Promise<boolean> {
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST' || (await stat(file).catch(() => undefined)) !== undefined) return false;
    // A file system without hard links: nothing is at `file`, so renaming cannot overwrite.
    await rename(temp, file);
    return true;
  }
}
