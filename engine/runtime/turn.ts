import type { Diagnostic } from '../diagnostic.js';
import { counterName } from '../store/funnel-key.js';
import type { FunnelCount, SessionStore, TurnSummary } from '../store/types.js';
import { drive, statusOf, type Snapshot, type TurnStart } from './drive.js';
import { ConversationConflictError } from './exclusive.js';
import { turnBreach, type LimitBreach, type VariableLimits } from './limits.js';
import {
  freshContext,
  stateKind,
  statusAt,
  type ConversationEvent,
  type ConversationMachine,
} from './machine.js';
import { encodeConversation, storedAs, type StoredConversation } from './stored.js';
import { transcriptAfter, type TranscriptLine } from './transcript.js';
import {
  FAILED,
  type ConversationContext,
  type OutgoingMessage,
  type TraceEvent,
  type Turn,
  type TurnInput,
  type Variables,
} from './types.js';
import { changedVariables } from './variables.js';

/** What a turn runs from: the store's version and the variables the conversation had before it. */
export interface TurnBase {
  readonly key: string;
  readonly expected: number | undefined;
  readonly marks: readonly string[];
  readonly before: Variables;
  /** The turn begins the conversation (a start, or a message that starts it afresh). */
  readonly begins: boolean;
  /** The transcript the conversation had (kept across a restart: it is the key's history). */
  readonly transcript: readonly TranscriptLine[];
  /** The user's message this turn answers, for the transcript; none for a start. */
  readonly heard?: string;
}

/** The conversation a write is for, the version it expects, and the message marks it stores. */
type TurnKey = Pick<TurnBase, 'key' | 'expected' | 'marks'>;

/** What the turn runner works with: one bot's machine, store, defaults and limits. */
export interface TurnRunnerOptions {
  readonly machine: ConversationMachine;
  readonly store: SessionStore;
  /** The script version records are stored under. */
  readonly version: string;
  readonly defaults: Variables;
  readonly limits: VariableLimits;
  readonly mask: <T>(value: T) => T;
  /** Put the blocks entered and branches taken on each turn (`turn.trace`). */
  readonly tracing: boolean;
  /** Count them in the store's funnel, in the turn's own write (the machine must trace them). */
  readonly counting: boolean;
  /** What the block a conversation waits in takes (see `waitingInput`). */
  readonly inputOf: (context: ConversationContext) => TurnInput | undefined;
  /** How many messages a conversation's transcript keeps (0: none), and the clock they are timed by. */
  readonly transcripts: number;
  readonly now: () => Date;
}

/**
 * Runs turns and maps a conversation between the stored record and the machine: a record
 * restored to a snapshot, a settled snapshot stored as a record and told as a Turn.
 */
export class TurnRunner {
  constructor(private readonly options: TurnRunnerOptions) {}

  /** A stored conversation's variables: the defaults, with what it changed. */
  variablesOf(stored: StoredConversation): Variables {
    return Object.assign({}, this.options.defaults, stored.v);
  }

  /** The snapshot a stored conversation `key` goes on from. */
  restore(key: string, stored: StoredConversation): Snapshot {
    return this.options.machine.resolveState({
      value: stored.b,
      context: freshContext(key, this.variablesOf(stored), {
        state: stored.k,
        result: stored.r ?? null,
        at: stored.a ?? stored.b,
      }),
    });
  }

  /** What a stored conversation `key` that waits takes in the block it waits in. */
  waitingInput(key: string, stored: StoredConversation): TurnInput | undefined {
    return this.options.inputOf(
      freshContext(key, this.variablesOf(stored), { state: stored.k, at: stored.b }),
    );
  }

  /** Where the stored conversation `key` stands, as a turn that said nothing. */
  standing(key: string, stored: StoredConversation, diagnostics: readonly Diagnostic[]): Turn {
    const final = stateKind(this.options.machine, stored.b) === 'final';
    const status = statusAt(stored.b, final);
    return this.options.mask(
      turnOf(
        status,
        stored.a ?? stored.b,
        this.variablesOf(stored),
        stored.r ?? null,
        [],
        diagnostics,
        status === 'waiting' ? this.waitingInput(key, stored) : undefined,
      ),
    );
  }

  /** Runs the turn on the machine until the conversation waits or ends, stores it, and tells what happened. */
  async run(
    base: TurnBase,
    start: TurnStart,
    event: ConversationEvent | undefined,
    diagnostics: readonly Diagnostic[],
  ): Promise<Turn> {
    const { defaults, limits, mask } = this.options;
    const snapshot = await drive(this.options.machine, start, event, mask);
    const { context } = snapshot;
    const changed = changedVariables(context.vars, defaults);
    const record = storedAs({
      version: this.options.version,
      state: String(snapshot.value),
      at: context.at,
      changed,
      // A block's state lasts while the conversation stands in it: an ended one keeps none.
      blockState: snapshot.status === 'done' ? undefined : context.state,
      result: context.result,
      marks: base.marks,
    });
    const plain = encodeConversation(record);
    const transcript = this.transcriptAfter(base, context.outbox);
    const data = transcript.length > 0 ? encodeConversation({ ...record, t: transcript }) : plain;
    // The record without its transcript bounds the variables' size, so within the limits they are
    // not serialized again (see limitBreach).
    const breach = turnBreach(
      changed,
      () => changedVariables(base.before, defaults),
      limits,
      Buffer.byteLength(plain),
    );
    if (breach) return this.stopOverLimit(base, context.at, diagnostics, breach);
    const status = statusOf(snapshot);
    await this.put(base, data, {
      channel: channelOf(context.vars),
      status,
      block: context.at,
      result: context.result,
      begins: base.begins,
      counts: this.options.counting ? funnelCounts(context.trace) : [],
    });
    const turn = turnOf(
      status,
      context.at,
      context.vars,
      context.result,
      context.outbox,
      [...diagnostics, ...context.notes],
      status === 'waiting' ? this.options.inputOf(context) : undefined,
    );
    return mask(this.options.tracing ? { ...turn, trace: context.trace } : turn);
  }

  /**
   * A turn that would leave the conversation with variables over the limits: nothing it did is
   * kept (its variables, its messages), and the conversation ends with status `error` where it
   * stood, so the next message starts afresh rather than growing it again. Like the step cap, a
   * script's fault ends the conversation; a conversation this bot stores never grows past its
   * limits (one read over them, stored under larger ones, keeps at most what it held).
   */
  private async stopOverLimit(
    base: TurnBase,
    at: string,
    diagnostics: readonly Diagnostic[],
    breach: LimitBreach,
  ): Promise<Turn> {
    const changed = changedVariables(base.before, this.options.defaults);
    const stored = storedAs({
      version: this.options.version,
      state: FAILED,
      at,
      changed,
      marks: base.marks,
      transcript: this.options.transcripts > 0 ? base.transcript : [],
    });
    // Nothing the turn did is kept, its funnel counts neither.
    await this.put(base, encodeConversation(stored), {
      channel: channelOf(base.before),
      status: 'error',
      block: at,
      result: null,
      begins: base.begins,
      counts: [],
    });
    const stopped: Diagnostic = {
      severity: 'error',
      code: breach.code,
      message: `block "${at}": the turn would leave the conversation with ${breach.what}; it ended, and nothing the turn did was kept`,
    };
    return this.options.mask(turnOf('error', at, base.before, null, [], [...diagnostics, stopped]));
  }

  /** The transcript to store after a turn that said `said`: none when the bot keeps none. */
  private transcriptAfter(base: TurnBase, said: readonly OutgoingMessage[]): TranscriptLine[] {
    const keep = this.options.transcripts;
    if (keep === 0) return [];
    return transcriptAfter(base.transcript, base.heard, said, {
      keep,
      at: this.options.now().getTime(),
      mask: this.options.mask,
    });
  }

  /**
   * Stores `stored` again with new message marks: a message seen that changed nothing else, so
   * the store keeps its last summary.
   */
  async remember(base: TurnKey, stored: StoredConversation): Promise<void> {
    await this.put(base, encodeConversation({ ...stored, m: base.marks }));
  }

  private async put({ key, expected }: TurnKey, data: string, summary?: TurnSummary): Promise<void> {
    const version = await this.options.store.put(key, data, expected, summary);
    if (version === undefined) throw new ConversationConflictError(key);
  }
}

/** The conversation's messenger, as its `channel` variable holds it. */
function channelOf(vars: Variables): string {
  const channel = vars.channel;
  return typeof channel === 'string' ? channel : '';
}

/** The turn's trace as counters: how often each block was entered and each way out taken. */
export function funnelCounts(trace: readonly TraceEvent[]): FunnelCount[] {
  const counts = new Map<string, FunnelCount>();
  for (const { block, edge } of trace) {
    const name = counterName(block, edge);
    counts.set(name, { block, edge, count: (counts.get(name)?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}

export function turnOf(
  status: Turn['status'],
  at: string,
  variables: Variables,
  result: string | null,
  messages: Turn['messages'],
  diagnostics: Turn['diagnostics'],
  input?: TurnInput,
): Turn {
  return { messages, status, block: at, ...(input && { input }), variables, result, diagnostics };
}
