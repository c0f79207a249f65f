/** A mock url pattern where `*` stands for any run of characters, and nothing else is special. */
export interface Glob {
  test(text: string): boolean;
}

/**
 * Compiles a `*` glob to a matcher that takes time linear in the text for any pattern: the parts
 * between stars are found left to right, each at its first place after the one before (finding a
 * part as early as possible never loses a match), so no pattern can make matching backtrack the
 * way a regular expression `^a.*a.*a.*b$` does.
 */
export function compileGlob(pattern: string): Glob {
  const parts = pattern.split('*');
  if (parts.length === 1) return { test: (text) => text === pattern };
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  return {
    test(text) {
      if (text.length < first.length + last.length) return false;
      if (!text.startsWith(first) || !text.endsWith(last)) return false;
      const end = text.length - last.length;
      let at = first.length;
      for (const part of middle) {
        const found = text.indexOf(part, at);
        if (found === -1 || found + part.length > end) return false;
        at = found + part.length;
      }
      return true;
    },
  };
}
