import { MAX_NESTING } from './limits.js';

/**
 * The offset of the first `(` or `[` nested deeper than MAX_NESTING, or undefined. Checked before
 * parsing because the parser recurses per level and would overflow the call stack first. Quotes
 * are skipped the way the parser's tokenizer does (a quote preceded by `\` does not close).
 */
export function tooDeepAt(source: string): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < source.length; i++) {
    const c = source.charAt(i);
    if (quote !== undefined) {
      if (c === quote && source.charAt(i - 1) !== '\\') quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(' || c === '[') {
      if (++depth > MAX_NESTING) return i;
    } else if (c === ')' || c === ']') {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}
