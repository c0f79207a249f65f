import { RE2JS } from 're2js';

/** The longest pattern a script or case file may carry. */
export const PATTERN_LIMIT = 200;

export interface Pattern {
  readonly source: string;
  /** True when the pattern matches somewhere in `text` (anchor with ^ and $ for the whole). */
  test(text: string): boolean;
}

/**
 * Compiles a designer's regular expression with RE2's semantics (re2js): matching takes time
 * linear in the text whatever the pattern, so no reply can stall the engine (no ReDoS).
 * Unicode classes such as `\p{L}` work; backreferences and lookaround, which need backtracking,
 * are refused. `(?i)` makes a pattern case-insensitive. Returns the pattern, or why it was refused.
 */
export function compilePattern(source: string): Pattern | string {
  if (source.length > PATTERN_LIMIT) return `the pattern is over ${PATTERN_LIMIT} characters`;
  try {
    const compiled = RE2JS.compile(source);
    return { source, test: (text) => compiled.matcher(text).find() };
  } catch (error) {
    const reason =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    return `it is not a pattern botflow can run in linear time (${reason})`;
  }
}
