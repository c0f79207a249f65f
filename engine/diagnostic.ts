/** A problem found while reading input, reported as a value rather than thrown. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  /** Stable machine-readable code, e.g. `payload.bad-json`. */
  readonly code: string;
  /** One sentence for a person. */
  readonly message: string;
}
