import type { Diagnostic } from '../diagnostic.js';
import { BotflowError } from '../error.js';
import type { HttpClient } from '../http/types.js';
import { checkLinkSecrets, LinkSecretError } from '../links/signed.js';
import { decodeStart, expiryProblem } from '../links/start.js';
import { resolveStartToken } from '../links/token-store.js';
import { PayloadError, payloadVariables, readShortKeyPayload } from '../payload/index.js';
import type { Script } from '../script/script.js';
import { isLinkStore } from '../store/links.js';
import { MemoryStore } from '../store/memory.js';
import { isReportingStore, type SessionStore } from '../store/types.js';
import { drive } from './drive.js';
import { ConversationConflictError, TurnStore } from './exclusive.js';
import { ConversationKeyError, isConversationKey } from './key.js';
import {
  countBreach,
  DEFAULT_MAX_VARIABLE_BYTES,
  DEFAULT_MAX_VARIABLES,
  limitBreach,
  limitOption,
  VariableLimitError,
  type VariableLimits,
} from './limits.js';
import {
  compileScript,
  machineFor,
  stateKind,
  waitingInput,
  type ConversationEvent,
  type ConversationMachine,
} from './machine.js';
import { drawFor, fixedDraws } from './draw.js';
import { LIBRARY_ENV_HINT, requireEnv } from './env.js';
import { secretMasker } from './mask.js';
import { KeyedQueue } from './queue.js';
import { cutToReplyLimit, REPLY_LIMIT } from './reply-limit.js';
import { readConversation, type ReadConversation } from './read.js';
import type { StepRuntime } from './step.js';
import { markOf, marksAfter, wasApplied, type StoredConversation } from './stored.js';
import { transcriptMessages, transcriptOption, type TranscriptMessage } from './transcript.js';
import { TurnRunner, turnOf } from './turn.js';
import type { Turn, Value, Variables } from './types.js';
import { changedVariables, defaultVariables } from './variables.js';

export { ConversationConflictError };

export interface BotOptions {
  readonly script: Script;
  /** Where conversations live between turns (default: a MemoryStore). */
  readonly store?: SessionStore;
  /**
   * Values scripts read as `env.NAME` (secrets, base URLs); masked as `***` in turns. Every name
   * the script declares under `env:` needs a non-empty value, else creating the bot throws a
   * MissingEnvError naming them all.
   */
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
   * Count the blocks entered and branches taken in the store's funnel, in each turn's own write
   * (default true; a store that keeps no reports counts nothing): docs/reports.md, "The funnel".
   */
  readonly funnel?: boolean;
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
  /**
   * Fixed draws, by block id, in place of the conversation's own (see Step.draw): a QA case sets
   * one to take a chosen branch of a random block. Each is a number from 0 up to (not including) 1.
   */
  readonly draws?: Readonly<Record<string, number>>;
  /**
   * The secrets signed start values are checked with, newest first (docs/invitation-links.md,
   * "Signed links"); each at least 16 bytes of UTF-8. Masked as `***` like env values.
   */
  readonly linkSecrets?: readonly string[];
  /**
   * `required`: a start seeds variables only from a valid signed value, as the script's
   * `links: { signed: required }` asks (either one makes it required). Needs `linkSecrets`.
   */
  readonly signedLinks?: 'required' | 'optional';
  /**
   * How many of its last messages (the user's and the bot's) each conversation keeps, inside its
   * stored record, for {@link Bot.transcript}: 0 (the default) keeps none, at most 1,000. Texts
   * are cut at REPLY_LIMIT and masked; erasing the conversation erases them.
   */
  readonly transcripts?: number;
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

export { REPLY_LIMIT };

/**
 * A start given both an invitation link's data and a payload. Which of the two should seed the
 * conversation is not guessed: one would be dropped without a word.
 */
export class AmbiguousStartError extends BotflowError {
  constructor() {
    super('start.ambiguous', 'a start takes either startParam or payload, not both');
  }
}

const DUPLICATE: Diagnostic = {
  severity: 'warning',
  code: 'message.duplicate',
  message: 'this message was applied already (the messenger delivered it again); it was not applied twice',
};

const STARTED: Diagnostic = {
  severity: 'info',
  code: 'conversation.started',
  message: 'there was no conversation under this key; this message started one and was not read as a reply',
};

const STARTED_AFTER_END: Diagnostic = {
  ...STARTED,
  message:
    'the conversation under this key had ended; this message started a new one and was not read as a reply',
};

/** A bot: one script, its conversations in a store, one turn at a time per conversation. */
export class Bot {
  readonly script: Script;
  /** How many messages each conversation's transcript keeps (0: none). */
  readonly transcripts: number;
  private readonly store: SessionStore;
  /** The store as turns use it: each turn holds its conversation there. */
  private readonly turnStore: TurnStore;
  private readonly machine: ConversationMachine;
  private readonly defaults: Variables;
  private readonly onStart: NonNullable<BotOptions['onStart']>;
  private readonly mask: <T>(value: T) => T;
  private readonly queue: KeyedQueue;
  private readonly limits: VariableLimits;
  private readonly turns: TurnRunner;
  private readonly linkSecrets: readonly string[];
  private readonly signedRequired: boolean;
  private readonly now: () => Date;

  constructor(options: BotOptions) {
    requireEnv(options.script, options.env ?? {}, LIBRARY_ENV_HINT);
    this.linkSecrets = options.linkSecrets?.length ? checkLinkSecrets(options.linkSecrets) : [];
    this.signedRequired =
      signedPolicy(options.signedLinks) === 'required' || options.script.signedLinks === 'required';
    if (this.signedRequired && this.linkSecrets.length === 0) {
      throw new LinkSecretError(
        'signed links are required, but the bot was given no link secret to check them with (BOTFLOW_LINK_SECRET)',
      );
    }
    this.now = options.clock ?? (() => new Date());
    this.script = options.script;
    this.transcripts = transcriptOption(options.transcripts);
    this.store = options.store ?? new MemoryStore();
    this.turnStore = new TurnStore(this.store);
    this.defaults = defaultVariables(options.script);
    this.limits = {
      count: limitOption('maxVariables', options.maxVariables, DEFAULT_MAX_VARIABLES),
      bytes: limitOption('maxVariableBytes', options.maxVariableBytes, DEFAULT_MAX_VARIABLE_BYTES),
    };
    const draws = fixedDraws(options.draws, new Set(options.script.blocks.keys()));
    const counting = (options.funnel ?? true) && isReportingStore(this.store);
    const runtime: StepRuntime = {
      env: options.env ?? {},
      now: this.now,
      stepCap: limitOption('stepCap', options.stepCap, 1000),
      tracing: options.trace === true || counting,
      draw: (key, block) => draws.get(block) ?? drawFor(options.script.name, key, block),
      variablesOver: (vars) => limitBreach(changedVariables(vars, this.defaults), this.limits),
    };
    const compiled = compileScript(options.script);
    this.machine = machineFor(compiled, {
      ...runtime,
      http: options.http ?? {
        send: () =>
          Promise.resolve({ kind: 'limit', message: 'this bot was created without an HTTP client' }),
      },
    });
    this.onStart = startPolicy(options.onStart);
    this.queue = new KeyedQueue(limitOption('maxQueuedTurns', options.maxQueuedTurns, 100));
    this.mask = secretMasker([...Object.values(options.env ?? {}), ...this.linkSecrets]);
    this.turns = new TurnRunner({
      machine: this.machine,
      store: this.turnStore,
      version: options.script.version,
      defaults: this.defaults,
      limits: this.limits,
      mask: this.mask,
      tracing: options.trace ?? false,
      counting,
      inputOf: (context) => waitingInput(compiled, runtime, context),
      transcripts: this.transcripts,
      now: this.now,
    });
  }

  /** Starts (or restarts) the conversation `key` from an invitation link's data or a payload. */
  start(key: string, options: StartOptions = {}): Promise<Turn> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    if (options.startParam !== undefined && options.payload !== undefined) {
      return Promise.reject(new AmbiguousStartError());
    }
    return this.queue.run(key, () => this.turnStore.exclusively(key, () => this.startNow(key, options)));
  }

  /** Hands the user's text to the conversation `key`; a new or ended conversation starts afresh. */
  send(key: string, text: string, options: SendOptions = {}): Promise<Turn> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    return this.queue.run(key, () => this.turnStore.exclusively(key, () => this.sendNow(key, text, options)));
  }

  /**
   * Has the conversation `key` say its waiting question again, as this bot's script words it: what
   * a host does after it reloads a changed script (`botflow chat --watch`). The rule is a reply's:
   * a conversation stored under another version goes on at its block when that block still waits
   * for a reply (with the `script.changed` warning), stored under this version from then on.
   * Undefined when there is no conversation waiting at a block that waits here: start it again.
   */
  resume(key: string): Promise<Turn | undefined> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    return this.queue.run(key, () => this.turnStore.exclusively(key, () => this.resumeNow(key)));
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
    if (found) return this.turns.standing(key, found, notes);
    return record && this.mask(turnOf('error', '', this.defaults, null, [], notes));
  }

  /**
   * Erases the conversation `key`: its record, with the transcript inside it, and (in a store that
   * keeps reports) its listing entry. True when there was one. It waits for a turn in flight.
   */
  erase(key: string): Promise<boolean> {
    if (!isConversationKey(key)) return Promise.reject(new ConversationKeyError());
    return this.queue.run(key, () =>
      this.turnStore.exclusively(key, async () => {
        if ((await this.turnStore.get(key)) === undefined) return false;
        await this.turnStore.delete(key);
        return true;
      }),
    );
  }

  /**
   * The last messages of the conversation `key`, oldest first, as far as the bot keeps them
   * (`transcripts`); undefined when there is no conversation.
   */
  async transcript(key: string): Promise<TranscriptMessage[] | undefined> {
    if (!isConversationKey(key)) throw new ConversationKeyError();
    const { record, found } = await this.read(key);
    return record && transcriptMessages(found?.t ?? []);
  }

  private read(key: string): Promise<ReadConversation> {
    return readConversation(this.turnStore, key, this.limits);
  }

  private async startNow(key: string, options: StartOptions): Promise<Turn> {
    const { record, stored, found, notes } = await this.read(key);
    const mark = markOf(options.messageId);
    if (found && wasApplied(found, mark)) return this.turns.standing(key, found, [DUPLICATE]);
    if (
      stored &&
      this.onStart !== 'restart' &&
      stored.s === this.script.version &&
      stateKind(this.machine, stored.b) === 'waiting'
    ) {
      return this.keepGoing(key, record?.version, stored, mark, this.onStart);
    }
    const seed = await this.seed(options);
    const vars = {
      ...this.defaults,
      ...seed.variables,
      channel: options.channel ?? '',
      startParam: options.startParam ?? '',
      linkVerified: seed.verified,
    };
    const breach = limitBreach(changedVariables(vars, this.defaults), this.limits);
    if (breach) throw new VariableLimitError(breach);
    return this.beginAfresh({ record, found }, key, mark, vars, [...notes, ...seed.diagnostics]);
  }

  /**
   * Runs conversation `key` from its first block on `vars`: a start, or a message that starts it
   * afresh (`heard`, for the transcript). Its message marks and transcript carry over.
   */
  private beginAfresh(
    { record, found }: Pick<ReadConversation, 'record' | 'found'>,
    key: string,
    mark: string | undefined,
    vars: Variables,
    notes: readonly Diagnostic[],
    heard?: string,
  ): Promise<Turn> {
    return this.turns.run(
      {
        key,
        expected: record?.version,
        marks: marksAfter(found, mark),
        before: vars,
        begins: true,
        transcript: found?.t ?? [],
        ...(heard !== undefined && { heard }),
      },
      { key, vars },
      undefined,
      notes,
    );
  }

  /**
   * A start that finds the conversation waiting, under `onStart: resume` or `ignore`: the
   * conversation does not change, and a resume has the waiting block say its question again. Only
   * the start's message id is stored, so a redelivery of it is known and says nothing.
   */
  private async keepGoing(
    key: string,
    expected: number | undefined,
    stored: StoredConversation,
    mark: string | undefined,
    policy: 'resume' | 'ignore',
  ): Promise<Turn> {
    const note: Diagnostic = {
      severity: 'warning',
      code: policy === 'resume' ? 'start.resumed' : 'start.ignored',
      message:
        policy === 'resume'
          ? 'the conversation was going on, so the new start was not applied; its question is asked again'
          : 'the conversation was going on, so the new start was not applied',
    };
    const snapshot =
      policy === 'resume'
        ? await drive(
            this.machine,
            { snapshot: this.turns.restore(key, stored) },
            { type: 'resume' },
            this.mask,
          )
        : undefined;
    if (mark !== undefined)
      await this.turns.remember({ key, expected, marks: marksAfter(stored, mark) }, stored);
    return this.mask(
      // What saying the question again noted (a placeholder that failed) is told too.
      turnOf(
        'waiting',
        stored.b,
        this.turns.variablesOf(stored),
        null,
        snapshot?.context.outbox ?? [],
        [note, ...(snapshot?.context.notes ?? [])],
        this.turns.waitingInput(key, stored),
      ),
    );
  }

  private async sendNow(key: string, text: string, options: SendOptions): Promise<Turn> {
    const { record, stored, found, notes: readNotes } = await this.read(key);
    const mark = markOf(options.messageId);
    if (found && wasApplied(found, mark)) return this.turns.standing(key, found, [DUPLICATE]);
    const notes: Diagnostic[] = [...readNotes];
    const standsAt = stored && stateKind(this.machine, stored.b);
    if (!stored || standsAt !== 'waiting') {
      if (stored && standsAt !== 'final') {
        notes.push({
          severity: 'warning',
          code: 'script.changed',
          message: `the script changed and "${stored.b}" no longer waits for a reply; the conversation starts afresh`,
        });
      } else if (!record || standsAt === 'final') {
        notes.push(standsAt === 'final' ? STARTED_AFTER_END : STARTED);
      }
      // A new conversation on the same messenger: the channel carries over, the start data does not.
      const vars = { ...this.defaults, channel: found?.v?.channel ?? '' };
      return this.beginAfresh({ record, found }, key, mark, vars, notes, cutToReplyLimit(text));
    }
    notes.push(...this.versionNotes(stored));
    const reply = cutToReplyLimit(text);
    if (reply !== text) {
      notes.push({
        severity: 'warning',
        code: 'reply.truncated',
        message: `the reply was ${text.length} characters long; only the first ${reply.length} were read`,
      });
    }
    return this.goOn(key, record?.version, stored, mark, { type: 'reply', text: reply }, notes);
  }

  private async resumeNow(key: string): Promise<Turn | undefined> {
    const { record, stored, notes } = await this.read(key);
    if (!stored || stateKind(this.machine, stored.b) !== 'waiting') return undefined;
    return this.goOn(key, record?.version, stored, undefined, { type: 'resume' }, [
      ...notes,
      ...this.versionNotes(stored),
    ]);
  }

  /** A turn of a stored conversation that waits: a reply to it, or its question said again. */
  private goOn(
    key: string,
    expected: number | undefined,
    stored: StoredConversation,
    mark: string | undefined,
    event: ConversationEvent,
    notes: readonly Diagnostic[],
  ): Promise<Turn> {
    return this.turns.run(
      {
        key,
        expected,
        marks: marksAfter(stored, mark),
        before: this.turns.variablesOf(stored),
        begins: false,
        transcript: stored.t ?? [],
        ...(event.type === 'reply' && { heard: event.text }),
      },
      { snapshot: this.turns.restore(key, stored) },
      event,
      notes,
    );
  }

  /** The warning of a conversation that goes on under another version of the script than it was stored with. */
  private versionNotes(stored: StoredConversation): Diagnostic[] {
    if (stored.s === this.script.version) return [];
    return [
      {
        severity: 'warning',
        code: 'script.changed',
        message: `the script changed since this conversation was stored; it goes on at "${stored.b}"`,
      },
    ];
  }

  /**
   * What a start seeds, and whether it is verified: the one place `linkVerified` is decided. A
   * valid signed start value is verified, and so is a start token this bot's store resolved (the
   * store issued it); a payload handed to `start` is the host's word, never verified.
   */
  private async seed(options: StartOptions): Promise<{
    variables: Readonly<Record<string, Value>>;
    diagnostics: readonly Diagnostic[];
    verified: boolean;
  }> {
    if (options.payload === undefined) {
      const decoded = decodeStart(options.startParam ?? '', {
        secrets: this.linkSecrets,
        clock: this.now,
        required: this.signedRequired,
      });
      if (decoded.token === undefined) return decoded;
      // A start token's payload is in the store that issued it: this is where it is seeded.
      const store = isLinkStore(this.store) ? this.store : undefined;
      const resolved = await resolveStartToken(store, decoded.token, {
        now: this.now().getTime(),
        count: true,
      });
      // The payload's own expiry holds inside a token as in a link.
      const expired = expiryProblem(resolved.payload, this.now);
      if (expired)
        return { variables: {}, diagnostics: [{ severity: 'error', ...expired }], verified: false };
      return { ...resolved, verified: resolved.payload !== null };
    }
    // A flood of `v` names is refused by its count, before each name is checked and copied.
    const flood = countBreach(Object.keys(payloadVariablesField(options.payload)).length, this.limits);
    if (flood) throw new VariableLimitError(flood);
    const read = readShortKeyPayload(options.payload);
    if (!read.ok) throw new PayloadError(read.error.code, read.error.message);
    const refusal: Pick<Diagnostic, 'code' | 'message'> | undefined =
      expiryProblem(read.payload, this.now) ??
      (this.signedRequired
        ? {
            code: 'start.unsigned',
            message:
              'signed links are required, and a payload given to start is not signed; it seeded nothing',
          }
        : undefined);
    if (refusal) return { variables: {}, diagnostics: [{ severity: 'error', ...refusal }], verified: false };
    return { variables: payloadVariables(read.payload), diagnostics: read.warnings, verified: false };
  }
}

const START_POLICIES = ['restart', 'resume', 'ignore'] as const;

function startPolicy(policy: BotOptions['onStart']): NonNullable<BotOptions['onStart']> {
  if (policy === undefined) return 'restart';
  if (!START_POLICIES.includes(policy)) {
    throw new BotflowError(
      'bot.bad-option',
      `the bot's onStart must be restart, resume or ignore, not ${JSON.stringify(policy)}`,
    );
  }
  return policy;
}

const SIGNED_POLICIES = ['required', 'optional'] as const;

function signedPolicy(policy: BotOptions['signedLinks']): NonNullable<BotOptions['signedLinks']> {
  if (policy === undefined) return 'optional';
  if (!SIGNED_POLICIES.includes(policy)) {
    throw new BotflowError(
      'bot.bad-option',
      `the bot's signedLinks must be required or optional, not ${JSON.stringify(policy)}`,
    );
  }
  return policy;
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
