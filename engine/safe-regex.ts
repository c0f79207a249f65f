/** The longest pattern a script or case file may carry. */
export const PATTERN_LIMIT = 200;

/**
 * Compiles a designer's regular expression, refusing the shapes that can take exponential time
 * on a crafted reply: a quantified group that itself contains a quantifier (`(a+)+`, `(\w*)*`),
 * and backreferences. Replies are length-capped too, so the remaining patterns stay cheap.
 * Patterns are Unicode-aware (`u`), so `\p{L}` matches Cyrillic names too. Returns the RegExp,
 * or the reason it was refused.
 */
export function compileSafePattern(pattern: string, flags = 'u'): RegExp | string {
  if (pattern.length > PATTERN_LIMIT) return `the pattern is over ${PATTERN_LIMIT} characters`;
  if (/\\[1-9]|\\k</.test(pattern)) return 'backreferences are not allowed';
  if (/\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{?]/.test(pattern)) {
    return 'a quantified group containing a quantifier can take exponential time; simplify it';
  }
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    return `it is not a valid regular expression: ${(error as Error).message}`;
  }
}
