import { createHash } from 'node:crypto';
import { createActor, type SnapshotFrom } from 'xstate';
import type { Diagnostic } from '../diagnostic.js';
import { BotflowError } from '../error.js';
import { decodeStartParam, PayloadError, payloadVariables, readShortKeyPayload } from '../payload/index.js';
import type { Script } from '../script/script.js';
import { MemoryStore } from '../store/memory.js';
import type { SessionStore, StoredRecord, Unlock } from '../store/types.js';
import type { HttpClient } from './http-types.js';
import {
  compileScript,
  freshContext,
  machineFor,
  type CompiledScript,
  type ConversationMachine,
} from './machine.js';
import {
  DEFAULT_MAX_VARIABLE_BYTES,
  DEFAULT_MAX_VARIABLES,
  countBreach,
  limitBreach,
  limitOption,
  STORED_LIMIT_FACTOR,
  storedLimits,
  turnBreach,
  VariableLimitError,
  type LimitBreach,
  type VariableLimits,
} from './limits.js';
import { secretMasker } from './mask.js';
import { Step, type StepRuntime } from './step.js';
import { KeyedQueue } from './queue.js';
import { decodeConversation, encodeConversation, type StoredConversation } from './stored.js';
import { END, FAILED, type Turn, type Value, type Variables } from './types.js';
import { changedVariables, defaultVariables } from './variables.js';
import { ConversationKeyError, isConversationKey } from './key.js';

export interface BotOptions {
  readonly script: Script;
  /** Where conversations live between turns (default: a MemoryStore). */
  readonly store?: SessionStore;
  /** Values scripts read as `env.NAME` (secrets, base URLs); masked as `***` in turns. */
  readonly env?: Readonly<Record<string, string>>;
  /** The clock behind `now` (default: the system clock). */
  readonly clock?: () => Date;
  readonly http?: HttpClient;
  /** What a start does to a conversation that is still going (default `restart`). */
  readonly onStart?: 'restart' | 'resume' | 'ignore';
  /** The most blocks one turn may run before it is stopped as a runaway (default 1,000). */
  readonly stepCap?: number;
  /** Put on each turn the blocks entered and branches taken (`turn.trace`), for coverage. */
  readonly trace?: boolean;
  /**
   * The most turns one conversation may have running or waiting in this process (default 100);
   * more fail at once with `conversation.busy`, so a flood on one chat cannot pile up memory.
   */
  readonly maxQueuedTurns?: number;
  /**
   * The most variables a conversation may hold besides the script's defaults (default 200); see
   * {@link maxVariableBytes} for what happens over it.
   */
  readonly maxVariables?: number;
  /**
   * The most bytes (as JSON) those variables may take (default 256 KiB). A start over either limit
   * is refused with a VariableLimitError, storing nothing; a turn that would grow past one ends
   * the conversation with status `error` (its changes dropped). A stored conversation over one
   * (stored under larger limits) goes on while no turn takes it further over; one more than
   * STORED_LIMIT_FACTOR times over starts afresh, its message marks kept.
   */
  readonly maxVariableBytes?: number;
}

export interface StartOptions {
  /**
   * The invitation link's data: a plain id or an encoded payload (docs/invitation-links.md,
   * "The payload"). Not with `payload`.
   */
  readonly startParam?: string;
  /** The short-key payload itself (`{ "eId": "42", "v": { … } }`), as `--payload` gives it. Not with `startParam`. */
  readonly payload?: unknown;
  /** The messenger the conversation runs on, seeded as `channel`. */
  readonly channel?: string;
  /** The messenger's id of the user's action; see {@link SendOptions.messageId}. */
  readonly messageId?: string;
}

export interface SendOptions {
  /**
   * The messenger's id of this message (Telegram's update id, Meta's mid…), the same each time the
   * messenger delivers it. The conversation keeps the last one it applied, so a redelivery (a
   * webhook answered too late, a write whose answer was lost) is not applied a second time.
   */
  readonly messageId?: string;
}

/** Replies longer than this are cut: it is Telegram's message limit, and it bounds every check. */
export const REPLY_LIMIT = 4096;

/** How often a turn runs before a write that keeps losing to another process's is given up. */
const CONFLICT_ATTEMPTS = 3;

/** Runs `turn` again, on the newer state it reads afresh, while its write loses to another's. */
function retried(turn: () => Promise<Turn>, attempt = 1): Promise<Turn> {
  return turn().catch((error: unknown) => {
    if (!(error instanceof ConversationConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error;
    return retried(turn, attempt + 1);
  });
}

/** Another process (or a stale turn) stored this conversation first; the turn was not applied. */
export class ConversationConflictError extends BotflowError {
  constructor(key: string) {
    super(
      'conversation.conflict',
      `conversation "${key}" was changed by another turn at the same time; try again`,
    );
  }
}

/**
 * A start given both an invitation link's data and a payload. Which of the two should seed the
 * conversation is not guessed: one would be dropped without a word.
 */
export class AmbiguousStartError extends BotflowError {
  constructor() {
    super('start.ambiguous', 'a start takes either startParam or payload, not both');
  }
}

type Snapshot = SnapshotFrom<ConversationMachine>;
type ConversationActor = ReturnType<typeof createActor<ConversationMachine>>;

const DUPLICATE: Diagnostic = {
  severity: 'warning',
  code: 'message.duplicate',
  message: 'this message was applied already (the messenger delivered it again); it was not applied twice',
};

/**
 * How many message ids a conversation remembers: a Meta or WhatsApp body can carry several events
 * of one user, and a redelivery brings them all back.
 */
const MARKS_KEPT = 4;

/**
 * What a conversation keeps of a message id: a short hash (48 bits), since ids can be long (Meta's
 * run to about 90 characters) and a waiting conversation should stay small.
 */
function markOf(messageId: string | undefined): string | undefined {
  return messageId === undefined
    ? undefined
    : createHash('sha256').update(messageId).digest('base64url').slice(0, 8);
}

/** The marks to store once the message marked `mark` is applied: the newest last. */
function marksAfter(stored: StoredConversation | undefined, mark: string | undefined): readonly string[] {
  const kept = stored?.m ?? [];
  return mark === undefined ? kept : [...kept, mark].slice(-MARKS_KEPT);
}

const UNREADABLE: Diagnostic = {
  severity: 'warning',
  code: 'conversation.unreadable',
  message: 'the stored conversation could not be read; it starts afresh',
};

const FAR_OVER_LIMIT: Diagnostic = {
  severity: 'error',
  code: 'conversation.over-limit',
  message: `the stored conversation holds more than ${STORED_LIMIT_FACTOR} times the variables this bot allows; it starts afresh`,
};

/** A stored conversation over the limits, but not far: it goes on (see STORED_LIMIT_FACTOR). */
function overLimit(breach: LimitBreach): Diagnostic {
  return {
    severity: 'warning',
    code: 'conversation.over-limit',
    message: `the stored conversation holds ${breach.what}; it goes on, but no turn may take it further over`,
  };
}

/** Room in a stored record for all but its variables: version, block names, result, message marks. */
const RECORD_OVERHEAD_BYTES = 16 * 1024;

/** A record as a turn reads it: the conversation, unless it could not be read, and why not. */
interface ReadConversation {
  readonly record: StoredRecord | undefined;
  /** The conversation a turn goes on from; undefined when there is none or it cannot go on. */
  readonly stored: StoredConversation | undefined;
  /**
   * The conversation as stored, even one too far over the limits to go on: its message marks
   * still tell a redelivery, and `conversation()` still shows it.
   */
  readonly found: StoredConversation | undefined;
  readonly notes: readonly Diagnostic[];
}

/** What a turn runs from: the store's version and the variables the conversation had before it. */
interface TurnBase {
  readonly key: string;
  readonly expected: number | undefined;
  readonly marks: readonly string[];
  readonly before: Variables;
}

/** A bot: one script, its conversations in a store, one turn at a time per conversation. */
export class Bot {
  readonly script: Script;
  private readonly store: SessionStore;
  private readonly compiled: CompiledScript;
  private readonly machine: ConversationMachine;
  private readonly defaults: Variables;
  private readonly onStart: NonNullable<BotOptions['onStart']>;
  private readonly mask: <T>(value: T) => T;
  private readonly runtime: StepRuntime;
  private readonly queue: KeyedQueue;
  private readonly tracing: boolean;
  private readonly limits: VariableLimits;

  constructor(options: BotOptions) {
    this.script = options.script;
    this.store = options.store ?? new MemoryStore();
    this.compiled = compileScript(options.script);
    this.runtime = {
      env: options.env ?? {},
      now: options.clock ?? (() => new Date()),
      stepCap: options.stepCap ?? 1000,
      // Read when a block asks, after the constructor has set both.
      variablesOver: (vars) => limitBreach(changedVariables(vars, this.defaults), this.limits),
    };
    this.machine = machineFor(this.compiled, {
      ...this.runtime,
      http: options.http ?? {
        send: () =>
          Promise.resolve({ kind: 'limit', message: 'this bot was created without an HTTP client' }),
      },
    });
    this.defaults = defaultVariables(options.script);
    this.onStart = options.onStart ?? 'restart';
    this.tracing = options.trace ?? false;
    this.queue = new KeyedQueue(options.maxQueuedTurns ?? 100);
    this.limits = {
      count: limitOption('maxVariables', options.maxVariables, DEFAULT_MAX_VARIABLES),
      bytes: limitOption('maxVariableBytes', options.maxVariableBytes, DEFAULT_MAX_VARIABLE_BYTES),
    };
    this.mask = secretMasker(Object.values(options.env ?? {}));
  }

  /** Starts (or restarts) the conversation `key` from an invitation link's data or a payload. */
  start(key: string, options: StartOptions = {}): Promise<Turn> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    if (options.startParam !== undefined && options.payload !== undefined) {
      return Promise.reject(new AmbiguousStartError());
    }
    return this.queue.run(key, () => this.exclusively(key, () => this.startNow(key, options)));
  }

  /** Hands the user's text to the conversation `key`; a new or ended conversation starts afresh. */
  send(key: string, text: string, options: SendOptions = {}): Promise<Turn> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    return this.queue.run(key, () => this.exclusively(key, () => this.sendNow(key, text, options)));
  }

  /** `value` with the bot's secrets (its env values) masked as `***`, for anything a host prints. */
  redact<T>(value: T): T {
    return this.mask(value);
  }

  /**
   * Where the conversation `key` stands, without running anything, with what reading it noted;
   * undefined when there is none. A record that cannot be read is shown as status `error`.
   */
  async conversation(key: string): Promise<Turn | undefined> {
    if (!isConversationKey(key)) throw new ConversationKeyError();
    const { record, found, notes } = await this.read(key);
    if (found) return this.standing(found, notes);
    return record && this.mask(this.turnOf(FAILED, '', this.defaults, null, [], notes));
  }

  /**
   * The stored conversation `key`. One over the limits (stored under larger ones) goes on, with a
   * warning. One that cannot be read, or is far over the limits (written by hand, or under limits
   * far larger), is not continued, with a note: its turn starts afresh. A record too large to be
   * one botflow stores under these limits is not even parsed.
   */
  private async read(key: string): Promise<ReadConversation> {
    const record = await this.store.get(key);
    if (!record) return { record, stored: undefined, found: undefined, notes: [] };
    const bounds = storedLimits(this.limits);
    const size = Buffer.byteLength(record.data);
    if (size > bounds.bytes + RECORD_OVERHEAD_BYTES) {
      return { record, stored: undefined, found: undefined, notes: [FAR_OVER_LIMIT] };
    }
    const found = decodeConversation(record.data);
    if (!found) return { record, stored: undefined, found, notes: [UNREADABLE] };
    const variables = found.v ?? {};
    if (limitBreach(variables, bounds, size))
      return { record, stored: undefined, found, notes: [FAR_OVER_LIMIT] };
    const breach = limitBreach(variables, this.limits, size);
    return { record, stored: found, found, notes: breach ? [overLimit(breach)] : [] };
  }

  /** Where a stored conversation stands, as a turn that said nothing. */
  private standing(stored: StoredConversation, diagnostics: readonly Diagnostic[]): Turn {
    return this.mask(
      this.turnOf(
        stored.b,
        stored.a ?? stored.b,
        this.storedVariables(stored),
        stored.r ?? null,
        [],
        diagnostics,
      ),
    );
  }

  /**
   * Runs a turn while holding the conversation in a shared store (other processes wait), and runs
   * it again on the newer state when another write still came first (a hold that lapsed, or a
   * store without locks shared by two processes): a turn is applied once or fails, never lost.
   */
  private exclusively(key: string, turn: () => Promise<Turn>): Promise<Turn> {
    // A store one process owns has no lock: the per-conversation queue is enough, and the hot path
    // of a turn stays free of the lock's awaits.
    return this.store.lock ? this.holding(this.store.lock(key), turn) : retried(turn);
  }

  private async holding(hold: Promise<Unlock>, turn: () => Promise<Turn>): Promise<Turn> {
    const unlock = await hold;
    try {
      return await retried(turn);
    } finally {
      // The turn is stored (or failed) already; a hold that cannot be given back lapses on its own.
      await unlock().catch(() => undefined);
    }
  }

  private async startNow(key: string, options: StartOptions): Promise<Turn> {
    const { record, stored, found, notes: readNotes } = await this.read(key);
    const mark = markOf(options.messageId);
    if (found && mark !== undefined && found.m?.includes(mark)) return this.standing(found, [DUPLICATE]);
    if (stored && !this.isFinal(stored.b) && this.onStart !== 'restart' && stored.s === this.script.version) {
      const notes: Diagnostic[] = [
        {
          severity: 'warning',
          code: this.onStart === 'resume' ? 'start.resumed' : 'start.ignored',
          message: 'the conversation was going on, so the new start was not applied',
        },
      ];
      // Nothing changes, so nothing is stored: `resume` only says the waiting question again.
      const context = this.restore(stored).context;
      const step = new Step(context, this.runtime, stored.b);
      if (this.onStart === 'resume') this.compiled.behaviours.get(stored.b)?.prompt?.(step);
      const { outbox } = step.next(0);
      return this.mask(this.turnOf(stored.b, stored.b, context.vars, null, outbox, notes));
    }
    const seed = this.seed(options);
    const vars = {
      ...this.defaults,
      ...seed.variables,
      channel: options.channel ?? '',
      startParam: options.startParam ?? '',
    };
    const breach = limitBreach(changedVariables(vars, this.defaults), this.limits);
    if (breach) throw new VariableLimitError(breach);
    const actor = createActor(this.machine, { input: { vars } });
    return this.runTurn(
      { key, expected: record?.version, marks: marksAfter(found, mark), before: vars },
      actor,
      () => undefined,
      [...readNotes, ...seed.diagnostics],
    );
  }

  private async sendNow(key: string, text: string, options: SendOptions): Promise<Turn> {
    const { record, stored, found, notes: readNotes } = await this.read(key);
    const mark = markOf(options.messageId);
    if (found && mark !== undefined && found.m?.includes(mark)) return this.standing(found, [DUPLICATE]);
    const notes: Diagnostic[] = [...readNotes];
    if (!stored || this.isFinal(stored.b) || !this.compiled.behaviours.get(stored.b)?.reply) {
      if (stored && !this.isFinal(stored.b)) {
        notes.push({
          severity: 'warning',
          code: 'script.changed',
          message: `the script changed and "${stored.b}" no longer waits for a reply; the conversation starts afresh`,
        });
      }
      // A new conversation on the same messenger: the channel carries over, the start data does not.
      const vars = { ...this.defaults, channel: found?.v?.channel ?? '' };
      const actor = createActor(this.machine, { input: { vars } });
      return this.runTurn(
        { key, expected: record?.version, marks: marksAfter(found, mark), before: vars },
        actor,
        () => undefined,
        notes,
      );
    }
    if (stored.s !== this.script.version) {
      notes.push({
        severity: 'warning',
        code: 'script.changed',
        message: `the script changed since this conversation was stored; it goes on at "${stored.b}"`,
      });
    }
    // Cut before a character that would be split in half (an emoji's surrogate pair).
    const reply =
      text.length > REPLY_LIMIT ? text.slice(0, REPLY_LIMIT).replace(/[\uD800-\uDBFF]$/, '') : text;
    if (reply !== text) {
      notes.push({
        severity: 'warning',
        code: 'reply.truncated',
        message: `the reply was ${text.length} characters long; only the first ${reply.length} were read`,
      });
    }
    const actor = createActor(this.machine, {
      snapshot: this.restore(stored),
      input: { vars: this.defaults },
    });
    return this.runTurn(
      {
        key,
        expected: record?.version,
        marks: marksAfter(stored, mark),
        before: this.storedVariables(stored),
      },
      actor,
      (a) => {
        a.send({ type: 'reply', text: reply });
      },
      notes,
    );
  }

  private seed(options: StartOptions): {
    variables: Readonly<Record<string, Value>>;
    diagnostics: readonly Diagnostic[];
  } {
    if (options.payload === undefined) return decodeStartParam(options.startParam ?? '');
    // A flood of `v` names is refused by its count, before each name is checked and copied.
    const flood = countBreach(Object.keys(payloadVariablesField(options.payload)).length, this.limits);
    if (flood) throw new VariableLimitError(flood);
    const read = readShortKeyPayload(options.payload);
    if (!read.ok) throw new PayloadError(read.error.code, read.error.message);
    return { variables: payloadVariables(read.payload), diagnostics: read.warnings };
  }

  /** A stored conversation's variables: the defaults, with what it changed. */
  private storedVariables(stored: StoredConversation): Variables {
    return { ...this.defaults, ...stored.v };
  }

  private restore(stored: StoredConversation): Snapshot {
    return this.machine.resolveState({
      value: stored.b,
      context: freshContext(
        this.storedVariables(stored),
        stored.t ?? 0,
        stored.r ?? null,
        stored.a ?? stored.b,
      ),
    });
  }

  /** Runs the actor until the conversation waits or ends, stores it, and tells what happened. */
  private async runTurn(
    { key, expected, marks, before }: TurnBase,
    actor: ConversationActor,
    act: (actor: ConversationActor) => void,
    diagnostics: readonly Diagnostic[],
  ): Promise<Turn> {
    // `start()` notifies observers with the snapshot the actor starts from: a restored ask is
    // settled, so only snapshots after `act` may settle the turn (else a reply that leads into a
    // Server Request would end the turn at the stale ask, losing the reply).
    let acted = false;
    const settled = new Promise<Snapshot>((resolve, reject) => {
      const check = (snapshot: Snapshot) => {
        if (acted && this.isSettled(snapshot)) resolve(snapshot);
      };
      actor.subscribe({ next: check, error: reject });
    });
    settled.catch(() => undefined); // awaited below only when the turn does not settle at once
    actor.start();
    acted = true;
    act(actor);
    let snapshot: Snapshot;
    try {
      // Most turns settle synchronously; only a Server Request makes one wait.
      snapshot = this.isSettled(actor.getSnapshot()) ? actor.getSnapshot() : await settled;
      if (snapshot.status === 'error') throw snapshot.error;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new BotflowError('turn.failed', this.mask(`the turn failed inside the engine: ${message}`));
    } finally {
      actor.stop();
    }
    const { context } = snapshot;
    const changed = changedVariables(context.vars, this.defaults);
    const value = String(snapshot.value);
    const stored: StoredConversation = {
      s: this.script.version,
      b: value,
      ...(context.at !== value && { a: context.at }),
      ...(Object.keys(changed).length > 0 && { v: changed }),
      ...(context.tries > 0 && { t: context.tries }),
      ...(context.result !== null && { r: context.result }),
      ...(marks.length > 0 && { m: marks }),
    };
    const data = encodeConversation(stored);
    const breach = turnBreach(
      changed,
      () => changedVariables(before, this.defaults),
      this.limits,
      Buffer.byteLength(data),
    );
    if (breach) return this.stopOverLimit({ key, expected, marks, before }, context.at, diagnostics, breach);
    const version = await this.store.put(key, data, expected);
    if (version === undefined) throw new ConversationConflictError(key);
    const turn = this.turnOf(value, context.at, context.vars, context.result, context.outbox, [
      ...diagnostics,
      ...context.notes,
    ]);
    return this.mask(this.tracing ? { ...turn, trace: context.trace } : turn);
  }

  /**
   * A turn that would leave the conversation with variables over the limits: nothing it did is
   * kept (its variables, its messages), and the conversation ends with status `error` where it
   * stood, so the next message starts afresh rather than growing it again. Like the step cap, a
   * script's fault ends the conversation; a conversation this bot stores never grows past its
   * limits (one read over them, stored under larger ones, keeps at most what it held).
   */
  private async stopOverLimit(
    { key, expected, marks, before }: TurnBase,
    at: string,
    diagnostics: readonly Diagnostic[],
    breach: LimitBreach,
  ): Promise<Turn> {
    const changed = changedVariables(before, this.defaults);
    const stored: StoredConversation = {
      s: this.script.version,
      b: FAILED,
      ...(at !== '' && { a: at }),
      ...(Object.keys(changed).length > 0 && { v: changed }),
      ...(marks.length > 0 && { m: marks }),
    };
    const version = await this.store.put(key, encodeConversation(stored), expected);
    if (version === undefined) throw new ConversationConflictError(key);
    const stopped: Diagnostic = {
      severity: 'error',
      code: breach.code,
      message: `block "${at}": the turn would leave the conversation with ${breach.what}; it ended, and nothing the turn did was kept`,
    };
    return this.mask(this.turnOf(FAILED, at, before, null, [], [...diagnostics, stopped]));
  }

  private isFinal(state: string): boolean {
    return state === END || state === FAILED || this.compiled.behaviours.get(state)?.final === true;
  }

  private isSettled(snapshot: Snapshot): boolean {
    return (
      snapshot.status !== 'active' ||
      this.compiled.behaviours.get(String(snapshot.value))?.reply !== undefined
    );
  }

  private turnOf(
    state: string,
    at: string,
    variables: Variables,
    result: string | null,
    messages: Turn['messages'],
    diagnostics: Turn['diagnostics'],
  ): Turn {
    const status = state === FAILED ? 'error' : this.isFinal(state) ? 'ended' : 'waiting';
    return { messages, status, block: at, variables, result, diagnostics };
  }
}

/** A payload's own `v`, when it is an object; else an empty one. */
function payloadVariablesField(payload: unknown): object {
  const variables =
    typeof payload === 'object' && payload !== null && Object.hasOwn(payload, 'v')
      ? (payload as { v: unknown }).v
      : undefined;
  return typeof variables === 'object' && variables !== null ? variables : {};
}

export function createBot(options: BotOptions): Bot {
  return new Bot(options);
}
