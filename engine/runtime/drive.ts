import { createActor, type Actor, type SnapshotFrom } from 'xstate';
import { BotflowError } from '../error.js';
import { WAITING, type ConversationEvent, type ConversationMachine } from './machine.js';
import { FAILED, type Turn, type Variables } from './types.js';

export type Snapshot = SnapshotFrom<ConversationMachine>;

/** Where a turn runs from: the machine's start with these variables, or a restored snapshot. */
export type TurnStart = { readonly key: string; readonly vars: Variables } | { readonly snapshot: Snapshot };

/** A turn is over when the conversation waits for a reply or has ended; the machine's tags say which. */
function isSettled(snapshot: Snapshot): boolean {
  return snapshot.status !== 'active' || snapshot.hasTag(WAITING);
}

function nextSettled(actor: Actor<ConversationMachine>): Promise<Snapshot> {
  return new Promise<Snapshot>((resolve, reject) => {
    actor.subscribe({
      next: (snapshot) => {
        if (isSettled(snapshot)) resolve(snapshot);
      },
      error: reject,
    });
  });
}

/** The status a settled snapshot stands for. */
export function statusOf(snapshot: Snapshot): Turn['status'] {
  if (snapshot.status !== 'done') return 'waiting';
  return snapshot.value === FAILED ? 'error' : 'ended';
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
  actor.start();
  if (event) actor.send(event);
  try {
    // Most turns settle synchronously; only a Server Request makes one wait, and its answer comes
    // in a later task, so watching from here on misses no snapshot.
    const now = actor.getSnapshot();
    // A state that neither waits, ends, nor calls out would hold the turn forever: a block that
    // did not route. It fails the turn instead.
    if (!isSettled(now) && Object.keys(now.children).length === 0) {
      throw new Error(`block "${String(now.value)}" neither waits, ends, nor chose where to go`);
    }
    const snapshot = isSettled(now) ? now : await nextSettled(actor);
    if (snapshot.status === 'error') throw snapshot.error;
    return snapshot;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new BotflowError('turn.failed', mask(`the turn failed inside the engine: ${message}`));
  } finally {
    actor.stop();
  }
}
