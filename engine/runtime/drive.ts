import { createActor, type SnapshotFrom } from 'xstate';
import { BotflowError } from '../error.js';
import { statusAt, WAITING, type ConversationEvent, type ConversationMachine } from './machine.js';
import type { Turn, Variables } from './types.js';

export type Snapshot = SnapshotFrom<ConversationMachine>;

/** Where a turn runs from: the machine's start with these variables, or a restored snapshot. */
export type TurnStart = { readonly key: string; readonly vars: Variables } | { readonly snapshot: Snapshot };

/** A turn is over when the conversation waits for a reply or has ended; the machine's tags say which. */
function isSettled(snapshot: Snapshot): boolean {
  return snapshot.status !== 'active' || snapshot.hasTag(WAITING);
}

/**
 * A state that neither waits, ends, nor calls out would hold the turn (and its conversation's
 * queue and lock) forever: a block that chose no route. The turn fails instead.
 */
function isStuck(snapshot: Snapshot): boolean {
  // A call that has answered stays among the state's children until the state is left.
  return (
    !isSettled(snapshot) &&
    Object.values(snapshot.children).every((child) => child?.getSnapshot().status !== 'active')
  );
}

function stuck(snapshot: Snapshot): Error {
  return new Error(`block "${String(snapshot.value)}" neither waits, ends, nor chose where to go`);
}

/** The status a settled snapshot stands for. */
export function statusOf(snapshot: Snapshot): Turn['status'] {
  return statusAt(String(snapshot.value), snapshot.status === 'done');
}

/**
 * Runs one turn on the machine: from `start`, then `event` when there is one, until the
 * conversation waits or ends, and gives back the snapshot it settled in. A machine that fails
 * inside (a bug in botflow) is a `turn.failed` error whose message has passed through `mask`.
 */
export async function drive(
  machine: ConversationMachine,
  start: TurnStart,
  event: ConversationEvent | undefined,
  mask: (text: string) => string,
): Promise<Snapshot> {
  const actor = createActor(
    machine,
    'snapshot' in start
      ? { snapshot: start.snapshot, input: { key: '', vars: {} } }
      : { input: { key: start.key, vars: start.vars } },
  );
  // Watched from before the start: an action that throws is an error of the actor, which xstate
  // reports as unhandled (thrown from a timer, ending the process) unless an observer takes it.
  let failure: { readonly error: unknown } | undefined;
  let waiting: { resolve: (snapshot: Snapshot) => void; reject: (error: unknown) => void } | undefined;
  actor.subscribe({
    next: (snapshot) => {
      // The synchronous part of the turn is read below, once the event is sent (before it, a
      // restored ask is settled already); only what comes after, a call's answer, is taken here.
      if (!waiting) return;
      if (isSettled(snapshot)) waiting.resolve(snapshot);
      else if (isStuck(snapshot)) waiting.reject(stuck(snapshot));
    },
    error: (error) => {
      failure = { error };
      waiting?.reject(error);
    },
  });
  actor.start();
  if (event) actor.send(event);
  try {
    if (failure) throw failure.error;
    // Most turns settle synchronously; only a Server Request makes one wait, and its answer comes
    // in a later task, so waiting from here on misses no snapshot.
    const now = actor.getSnapshot();
    if (isStuck(now)) throw stuck(now);
    const snapshot = isSettled(now)
      ? now
      : await new Promise<Snapshot>((resolve, reject) => {
          waiting = { resolve, reject };
        });
    if (snapshot.status === 'error') throw snapshot.error;
    return snapshot;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new BotflowError('turn.failed', mask(`the turn failed inside the engine: ${message}`));
  } finally {
    actor.stop();
  }
}
