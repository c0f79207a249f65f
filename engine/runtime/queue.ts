import { ConversationBusyError } from '../store/busy.js';

/**
 * Runs tasks one at a time per key, in the order they were queued, while tasks for different
 * keys run side by side: the messages of one conversation are handled in order (docs/runtime.md, "Ordering").
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();
  /** Tasks queued or running per key. */
  private readonly depths = new Map<string, number>();

  /** `limit`: the most tasks one key may have queued or running; more are refused. */
  constructor(private readonly limit = Infinity) {}

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const depth = this.depths.get(key) ?? 0;
    if (depth >= this.limit) {
      return Promise.reject(new ConversationBusyError(key, `${depth} turns are waiting for it already`));
    }
    this.depths.set(key, depth + 1);
    const previous = this.tails.get(key) ?? Promise.resolve();
    // Released before the caller sees the outcome, so a caller that awaited a task finds its place
    // in the queue free again.
    const release = () => {
      const left = (this.depths.get(key) ?? 1) - 1;
      if (left > 0) {
        this.depths.set(key, left);
        return;
      }
      // Nothing is queued behind this task: the key is idle.
      this.depths.delete(key);
      this.tails.delete(key);
    };
    // A failed task must not stop the ones behind it: each sees only its own outcome.
    const current = previous.then(task, task).finally(release);
    this.tails.set(
      key,
      current.catch(() => undefined),
    );
    return current;
  }

  /** Keys with a task running or waiting. */
  get busy(): number {
    return this.tails.size;
  }
}
