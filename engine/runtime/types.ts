import type { Diagnostic } from '../diagnostic.js';
import type { ExpressionValue } from '../expression/index.js';
import type { HttpRequest } from '../http/types.js';

export type Value = ExpressionValue;
export type Variables = Readonly<Record<string, Value>>;

/** What the bot says: a text and, optionally, buttons (a messenger's keyboard). */
export interface OutgoingMessage {
  readonly text: string;
  readonly buttons?: readonly string[];
}

/** What a waiting block takes: free text, a number, a choice… (an ask's `expect`). */
export const INPUT_KINDS = ['text', 'number', 'integer', 'email', 'phone', 'choice', 'pattern'] as const;

export type InputKind = (typeof INPUT_KINDS)[number];

/** One choice a waiting block offers: its label as shown, and the value that picks it (as text). */
export interface Choice {
  readonly label: string;
  readonly value: string;
}

/**
 * What the block a conversation waits in takes, so a client can show the right keyboard:
 * `choices` only for `choice`, `retriesLeft` the bad replies it still answers with another try.
 */
export interface TurnInput {
  readonly kind: InputKind;
  readonly choices?: readonly Choice[];
  readonly retriesLeft: number;
}

/**
 * What a turn did, for coverage: a block entered (`edge` is ''), or a way out or branch taken
 * (`edge` is its YAML path inside the block, as `validate` writes it: `branches[0].next`).
 */
export interface TraceEvent {
  readonly block: string;
  readonly edge: string;
}

/** Final states every machine has besides the script's own blocks. */
export const END = '$end';
export const FAILED = '$failed';

/** What the block the conversation stands in keeps between turns: JSON of the block's own shape. */
export type BlockState = Value | undefined;

/**
 * The xstate context of a conversation. `vars`, `state` and `result` are the conversation;
 * the rest is the current turn's scratch space, never stored.
 */
export interface ConversationContext {
  /** The conversation's key: who it is with, on which messenger. */
  readonly key: string;
  readonly vars: Variables;
  /** The current block's own state (see Step.state). */
  readonly state: BlockState;
  /** The end block's result, once the conversation has ended. */
  readonly result: string | null;
  /** The last script block entered: where the conversation stands, or where it ended. */
  readonly at: string;
  /** Blocks run in this turn, against the step cap. */
  readonly steps: number;
  /** The block chosen to go to next; eventless transitions follow it. */
  readonly route: string | null;
  readonly outbox: readonly OutgoingMessage[];
  readonly notes: readonly Diagnostic[];
  /** The request a Server Request block is about to send; a turn is never stored with one. */
  readonly pending: HttpRequest | null;
  readonly trace: readonly TraceEvent[];
}

/** One turn: what the bot said, and where the conversation stands. */
export interface Turn {
  readonly messages: readonly OutgoingMessage[];
  readonly status: 'waiting' | 'ended' | 'error';
  /** The block the conversation stands at (the ask it waits in, or the block it ended in). */
  readonly block: string;
  /** What the block it waits in takes; only when `status` is `waiting`. */
  readonly input?: TurnInput;
  readonly variables: Variables;
  readonly result: string | null;
  readonly diagnostics: readonly Diagnostic[];
  /** Blocks entered and branches taken, when the bot was made with `trace: true`. */
  readonly trace?: readonly TraceEvent[];
}
