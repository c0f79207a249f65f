import type * as z from 'zod';
import type { CodeInfo, LoadCode } from '../codes.js';
import type { JsonValue, WayKind } from '../edit/operation.js';
import type { ValueType } from '../expression/kinds.js';
import type { HttpOutcome, HttpRequest } from '../http/types.js';
import type { Step } from '../runtime/step.js';
import type { TurnInput } from '../runtime/types.js';
import type { YamlPath } from '../script/yaml-path.js';

export type { JsonValue, WayKind, YamlPath };

/**
 * How a block type is drawn in exported graphs (Mermaid, DOT): a shape that says what it does,
 * not which type it is, so a new type picks one of these and no exporter changes.
 */
export type BlockShape = 'say' | 'question' | 'decide' | 'call' | 'compute' | 'stop';

/** A way out of a block: where the conversation can go next, and on what. */
export interface Edge {
  readonly target: string;
  /** What takes this edge (a branch, an outcome, a choice), for the graph; none for plain `next`. */
  readonly label?: string;
  /** Where the target is written, relative to the block. */
  readonly path: YamlPath;
}

/**
 * A way out of a block, connected or still open: what the studio's canvas draws as a port. A
 * block's edges are its ports that have a target.
 */
export interface BlockPort {
  /** Where its target is (or would be) written, relative to the block. */
  readonly path: YamlPath;
  /** What takes it: '' for `next`, a branch's expression, an outcome, a choice's label. */
  readonly label: string;
  readonly target: string | undefined;
  /** The branch, choice or outcome it belongs to, when the designer may remove that one. */
  readonly way?: YamlPath;
}

/** A way out a designer adds to a block: what is written where, and the port it makes. */
export interface NewWay {
  /** A map key to add (an outcome), or a list index one past the end (a branch or choice appended). */
  readonly path: YamlPath;
  /** What is written there before the way is connected (null for an outcome's target). */
  readonly value: JsonValue;
  /** Where the new way's target goes: `path` itself, or a field inside the item. */
  readonly port: YamlPath;
}

/** A block's edges: its ports that have a target, labelled unless they are plain `next`. */
export function connectedPorts(ports: readonly BlockPort[]): Edge[] {
  return ports.flatMap(({ path, label, target }) =>
    target === undefined ? [] : [label === '' ? { target, path } : { target, label, path }],
  );
}

/**
 * The ports of a block's `branches` list (a condition's, a random's): each branch's `next`,
 * labelled by `label`. A branch may be removed while more than `kept` remain, the fewest the
 * block's schema allows.
 */
export function branchPorts<Branch extends { readonly next: string }>(
  branches: readonly Branch[],
  kept: number,
  label: (branch: Branch) => string,
): BlockPort[] {
  const removable = branches.length > kept;
  return branches.map((branch, i) => ({
    path: ['branches', i, 'next'],
    label: label(branch),
    target: branch.next,
    ...(removable && { way: ['branches', i] }),
  }));
}

/** A branch appended to a block's `branches` list, written as `value` until its `next` is connected. */
export function newBranch(branches: readonly unknown[], value: JsonValue): NewWay {
  const at = branches.length;
  return { path: ['branches', at], value, port: ['branches', at, 'next'] };
}

/** An expression or template inside a block, parsed when the script loads. */
export interface Source {
  readonly kind: 'expression' | 'template';
  readonly text: string;
  readonly path: YamlPath;
  /** Names the text may read besides the script's variables (a response's `status`, `body`…). */
  readonly locals?: readonly string[];
}

/**
 * A variable a block assigns, and what it puts there (docs/expressions.md, "Types"): a known
 * type, or an expression whose type it takes. What comes from outside the script (a CRM answer)
 * has an unknown type; the variable's default under `variables:` then says what it is.
 */
export interface Write {
  readonly name: string;
  /** Where it is assigned, relative to the block. */
  readonly path: YamlPath;
  readonly value:
    | { readonly type: ValueType }
    | { readonly expression: string; readonly locals?: Readonly<Record<string, ValueType>> };
  /** How a message says it, after the block's id and line: "asks with expect: number", "a split part". */
  readonly how: string;
}

/** A block-specific problem that its schema cannot express. */
export interface BlockIssue {
  readonly code: LoadCode;
  readonly path: YamlPath;
  readonly message: string;
  readonly hint?: string;
}

/** What compiling a block needs to know of the script around it. */
export interface CompileTools {
  /** Where an unrouted failure goes: the script's `on_error` block, or the failed end. */
  readonly onError: string;
}

/**
 * What a block's behaviour may do with the Step it is given: everything but the engine's own
 * bookkeeping (the next context, the pending request), which the machine does around it.
 */
export type BlockStep = Pick<
  Step,
  | 'block'
  | 'get'
  | 'set'
  | 'expose'
  | 'scope'
  | 'evaluate'
  | 'render'
  | 'say'
  | 'draw'
  | 'overLimits'
  | 'savepoint'
  | 'note'
  | 'go'
  | 'goNext'
  | 'took'
  | 'fail'
  | 'failStrictly'
  | 'state'
  | 'finish'
>;

/**
 * What a block does at run time, as plain functions over a BlockStep. The engine turns these into the
 * block's xstate state: `enter` is its entry action, `reply` its handler of the user's reply (the
 * state is tagged as waiting), `prompt` its handler of a resume, `call` the HTTP request it
 * invokes and what the outcome does. Each function routes with `step.go(target)`; the engine
 * follows the route along the script's edges. What a block keeps between turns (an ask's bad
 * replies) lives in `step.state`, which the engine stores without knowing its shape.
 */
export interface BlockBehaviour {
  readonly enter: (step: BlockStep) => void;
  /** Says the block's question again, for a conversation resumed where it waits. */
  readonly prompt?: (step: BlockStep) => void;
  readonly reply?: (step: BlockStep, text: string) => void;
  /**
   * What the block takes while a conversation waits in it (a block with `reply`): worked out for
   * the turn that ends there, from the step's variables and its state (the bad replies so far).
   */
  readonly input?: (step: BlockStep) => TurnInput;
  readonly call?: {
    /** The request to send, or undefined when it cannot be built (the step has routed the failure). */
    readonly request: (step: BlockStep) => HttpRequest | undefined;
    readonly outcome: (step: BlockStep, outcome: HttpOutcome) => void;
  };
  /** The conversation ends in this block. */
  readonly final?: boolean;
}

/**
 * Everything the engine knows about one block type. The module that defines it holds its schema,
 * its checks, its graph and (with the runtime) its compile step, beside a YAML example.
 */
export interface BlockDefinition<Block extends { type: string } = { type: string }> {
  readonly type: Block['type'];
  readonly schema: z.ZodType<Block>;
  /** A short description for the JSON Schema and the docs. */
  readonly description: string;
  readonly shape: BlockShape;
  /** True when the block gives control back (a reply, a server answer): a cycle through it can end. */
  readonly pauses: boolean;
  /** The fields a new block of this type is written with: valid but for ways out still to connect. */
  readonly skeleton: { readonly type: Block['type'] } & Readonly<Record<string, JsonValue>>;
  edges(block: Block): Edge[];
  /**
   * Every way out, connected or open, in the order of `edges`. The studio also reads it from
   * blocks that fail their schema, so a missing field is an open port, not a failure.
   */
  ports(block: Block): BlockPort[];
  /** The kinds of ways out a designer may add to a block of this type (none when absent). */
  readonly adds?: readonly WayKind[];
  /** A new way of one of `adds`, named as the designer asked if they did; a sentence when it cannot be added. */
  newWay?(block: Block, kind: WayKind, name: string | undefined): NewWay | string;
  /**
   * Branches the block can take besides its edges, for coverage: paths inside the block that
   * `step.took` records (an ask's choice picked, its re-prompt after a bad reply).
   */
  branches?(block: Block): YamlPath[];
  sources(block: Block): Source[];
  /** Variables the block assigns (they count as declared), with what it puts there. */
  writes(block: Block): Write[];
  check?(block: Block): BlockIssue[];
  /**
   * The codes only this block type reports (its checks' and its run-time notes'), with what each
   * means and what to do: docs/errors.md lists them with the engine's. The module declares their
   * names to the type `BlockCodes` too (see blocks/ask.ts), which keeps the union of codes closed.
   */
  readonly codes?: Readonly<Record<string, CodeInfo>>;
  /** The block's run-time behaviour; its templates and expressions are compiled here, once. */
  compile(block: Block, tools: CompileTools): BlockBehaviour;
}

/** Keeps a definition's block type precise while it is stored beside the others. */
export function defineBlock<Block extends { type: string }>(
  definition: BlockDefinition<Block>,
): BlockDefinition<Block> {
  return definition;
}
