import { assign, fromPromise, setup, type AnyEventObject } from 'xstate';
import { blockDefinition } from '../../blocks/registry.js';
import type { BlockBehaviour } from '../block-api/contract.js';
import { BotflowError } from '../error.js';
import { blockEdges } from '../script/edges.js';
import type { Script } from '../script/script.js';
import type { HttpClient, HttpOutcome, HttpRequest } from '../http/types.js';
import { drawFor } from './draw.js';
import { Step, type StepRuntime } from './step.js';
import {
  END,
  FAILED,
  type BlockState,
  type ConversationContext,
  type Turn,
  type TurnInput,
  type Variables,
} from './types.js';

export interface MachineRuntime extends StepRuntime {
  readonly http: HttpClient;
}

/**
 * What a conversation's machine answers to: the user's reply, and a resume (a start that found the
 * conversation waiting, under `onStart: resume`: the waiting block says its question again).
 */
export type ConversationEvent = { type: 'reply'; text: string } | { type: 'resume' };

/** The tag of a state that waits for the user's reply: a turn ends there. */
export const WAITING = 'waiting';

/** What the `run` action does in one phase of a block: the behaviour function to call. */
interface RunParams {
  readonly block: string;
  readonly phase: 'enter' | 'reply' | 'resume' | 'outcome';
  readonly behaviour: BlockBehaviour;
}

/** The run-time view of a compiled script: its machine, whose states say what each block does. */
export interface CompiledScript {
  readonly machine: ConversationMachine;
  /** In strict mode, where a failed expression goes (see StepRuntime). */
  readonly strictFailure: string | undefined;
  /** Each block's compiled behaviour, by id: what a waiting one takes is read from it. */
  readonly behaviours: ReadonlyMap<string, BlockBehaviour>;
}

/**
 * Builds the xstate implementations over one host's runtime: the `run` action that calls a
 * block's behaviour through a Step, the `routeIs` guard, and the `http` actor.
 */
function implementations(runtime: MachineRuntime) {
  return {
    actions: {
      run: assign<ConversationContext, AnyEventObject, RunParams, AnyEventObject, never>(
        ({ context, event }, params) => {
          const step = new Step(context, runtime, params.block);
          const steps = params.phase === 'enter' ? context.steps + 1 : context.steps;
          // An end block is a final state: it ends the turn anyway, and routing away from it is impossible.
          if (steps > runtime.stepCap && params.behaviour.final !== true) {
            step.fail(
              'turn.step-cap',
              `the turn ran ${runtime.stepCap} blocks without waiting; the script loops`,
            );
            return step.next(steps);
          }
          runPhase(step, params, event);
          return step.next(steps);
        },
      ),
    },
    guards: {
      routeIs: ({ context }: { context: ConversationContext }, params: { target: string }) =>
        context.route === params.target,
    },
    actors: {
      http: fromPromise<HttpOutcome, HttpRequest | null>(({ input, signal }) =>
        input === null
          ? Promise.resolve({ kind: 'limit', message: 'no request' })
          : runtime.http.send(input, signal),
      ),
    },
  };
}

function runPhase(step: Step, { phase, behaviour }: RunParams, event: unknown): void {
  if (phase === 'enter') {
    // A block's state is its own: entering it (again) starts it afresh.
    step.state = undefined;
    step.took([]);
    behaviour.enter(step);
    if (behaviour.call) step.setPending(behaviour.call.request(step) ?? null);
  } else if (phase === 'reply') {
    behaviour.reply?.(step, (event as { text: string }).text);
  } else if (phase === 'resume') {
    behaviour.prompt?.(step);
  } else {
    const outcome = (event as { output?: HttpOutcome }).output ?? {
      kind: 'network',
      message: errorMessage((event as { error?: unknown }).error),
    };
    step.setPending(null);
    behaviour.call?.outcome(step, outcome);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : 'the request failed';
}

/** A runtime for machines used without a host: no env, the system clock, no network. */
const DETACHED: MachineRuntime = {
  env: {},
  now: () => new Date(),
  stepCap: 1000,
  tracing: false,
  draw: (key, block) => drawFor('', key, block),
  variablesOver: () => undefined,
  http: { send: () => Promise.resolve({ kind: 'limit', message: 'this machine has no HTTP client' }) },
};

function buildMachine(script: Script) {
  const onError = script.onError ?? FAILED;
  const run = (block: string, phase: RunParams['phase'], behaviour: BlockBehaviour) => ({
    type: 'run' as const,
    params: { block, phase, behaviour },
  });

  const states: Record<string, object> = {};
  const behaviours = new Map<string, BlockBehaviour>();
  for (const [id, block] of script.blocks) {
    const definition = blockDefinition(block.type);
    if (!definition) throw new BotflowError('internal.block-type', `no block type "${block.type}"`);
    const behaviour = definition.compile(block, { onError });
    behaviours.set(id, behaviour);
    const targets = new Set([...blockEdges(block).map((edge) => edge.target), onError, END, FAILED]);
    states[id] = {
      entry: run(id, 'enter', behaviour),
      ...(behaviour.final
        ? { type: 'final' }
        : {
            // Each way out is an eventless transition taken when the behaviour routed to it.
            always: [...targets].map((target) => ({
              guard: { type: 'routeIs', params: { target } },
              target,
              reenter: true,
            })),
          }),
      ...(behaviour.reply && {
        tags: [WAITING],
        on: {
          reply: { actions: run(id, 'reply', behaviour) },
          resume: { actions: run(id, 'resume', behaviour) },
        },
      }),
      ...(behaviour.call && {
        invoke: {
          src: 'http',
          input: ({ context }: { context: ConversationContext }) => context.pending,
          onDone: { actions: run(id, 'outcome', behaviour) },
          onError: { actions: run(id, 'outcome', behaviour) },
        },
      }),
    };
  }
  states[END] = { type: 'final' };
  states[FAILED] = { type: 'final' };

  const machine = setup({
    types: {
      context: {} as ConversationContext,
      events: {} as AnyEventObject,
      input: {} as { key: string; vars: Variables },
    },
    ...implementations(DETACHED),
  }).createMachine({
    id: script.name,
    initial: script.start,
    context: ({ input }) => freshContext(input.key, input.vars),
    states: states as never,
  });
  return { machine, strictFailure: script.strict ? onError : undefined, behaviours };
}

export type ConversationMachine = ReturnType<typeof buildMachine>['machine'];

/** What a conversation keeps between turns besides its variables. */
export interface Kept {
  readonly state?: BlockState;
  readonly result?: string | null;
  readonly at?: string;
}

/** The context conversation `key` starts a turn with: what it kept, and empty scratch space. */
export function freshContext(key: string, vars: Variables, kept: Kept = {}): ConversationContext {
  return {
    key,
    vars,
    state: kept.state,
    result: kept.result ?? null,
    at: kept.at ?? '',
    steps: 0,
    route: null,
    outbox: [],
    notes: [],
    pending: null,
    trace: [],
  };
}

/** A conversation's status at `state`: ended (or failed, at `$failed`) when it is final, else waiting. */
export function statusAt(state: string, final: boolean): Turn['status'] {
  if (!final) return 'waiting';
  return state === FAILED ? 'error' : 'ended';
}

/**
 * What the machine says a state is: `waiting` for a reply, `final`, `passing` (a block a turn runs
 * through), or undefined when the machine has no such state (a block the script no longer has).
 */
export function stateKind(
  machine: ConversationMachine,
  state: string,
): 'waiting' | 'final' | 'passing' | undefined {
  const states = machine.root.states;
  // Stored records name states; an own-property check keeps `constructor` from being one.
  if (!Object.hasOwn(states, state)) return undefined;
  const node = states[state];
  if (node?.type === 'final') return 'final';
  return node?.tags.includes(WAITING) ? 'waiting' : 'passing';
}

const cache = new Map<string, CompiledScript>();
const CACHE_LIMIT = 100;

/**
 * Compiles a script to its xstate machine, once per script version (the hash of its text): every
 * bot and conversation on that version shares it.
 */
export function compileScript(script: Script): CompiledScript {
  // `--strict` changes the machine, not the text its version hashes.
  const key = `${script.file}\u0000${script.version}\u0000${script.strict}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const compiled = buildMachine(script);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value ?? '');
  cache.set(key, compiled);
  return compiled;
}

/**
 * What the block a conversation waits in takes (`context.at`, its state and variables as the
 * context holds them), worked out on a Step of this host's runtime; undefined for a block that
 * tells nothing. Only the waiting block is asked, once a turn, so a turn pays for it once.
 */
export function waitingInput(
  compiled: CompiledScript,
  runtime: StepRuntime,
  context: ConversationContext,
): TurnInput | undefined {
  const input = compiled.behaviours.get(context.at)?.input;
  return input?.(new Step(context, runtime, context.at));
}

/** The machine with this host's env, clock, step cap and HTTP client in place of the detached ones. */
export function machineFor(compiled: CompiledScript, runtime: MachineRuntime): ConversationMachine {
  const strict = compiled.strictFailure === undefined ? {} : { strictFailure: compiled.strictFailure };
  return compiled.machine.provide(implementations({ ...runtime, ...strict }));
}
