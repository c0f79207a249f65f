import { MAX_LIST_LENGTH, MAX_TEXT_LENGTH } from './limits.js';

/**
 * A failure while evaluating (a limit reached, an operator given the wrong kind of value).
 * Thrown only inside the evaluator and turned into an `{ ok: false }` result at its boundary, so
 * no caller ever sees it.
 */
export class EvaluationError extends Error {
  override readonly name = 'EvaluationError';
}

/** Refuses, before building it, a text longer than MAX_TEXT_LENGTH (`replace`, `join`, `||`). */
export function ensureTextLength(length: number): void {
  if (length > MAX_TEXT_LENGTH) {
    throw new EvaluationError(
      `the result would be ${length} characters long, over the limit of ${MAX_TEXT_LENGTH}`,
    );
  }
}

/** Refuses, before building it, a list longer than MAX_LIST_LENGTH (`||` on two lists). */
export function ensureListLength(length: number): void {
  if (length > MAX_LIST_LENGTH) {
    throw new EvaluationError(`the list would have ${length} items, over the limit of ${MAX_LIST_LENGTH}`);
  }
}
