import type { Code } from './codes.js';

/** A problem found while reading input, reported as a value rather than thrown. */
export interface Diagnostic {
  /** `info` tells what happened without anything being wrong (a message that started a conversation). */
  readonly severity: 'error' | 'warning' | 'info';
  /** Stable machine-readable code, e.g. `payload.bad-json`; docs/errors.md lists them all. */
  readonly code: Code;
  /** For a person: a clause in lower case without a final period (see docs/errors.md). */
  readonly message: string;
}
