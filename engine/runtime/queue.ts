/**
 * Runs tasks one at a time per key, in the order they were queued, while tasks for different
 * keys run side by side: the messages of one conversation are handled in order (DESIGN.md §4.1).
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    // A failed task must not stop the ones behind it: each sees only its own outcome.
    const current = previous.then(task, task);
    const tail = current.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return current;
  }

  /** Keys with a task running or waiting. */
  get busy(): number {
    return this.tails.size;
  }
}
