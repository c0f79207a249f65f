import { indentService } from '@codemirror/language';

/** A line that opens a nested block: `key:`, `- key:`, `key: |` or `key: >-`, a comment after it allowed. */
const OPENS_BLOCK = /^(\s*(?:-\s+)*)[^\s#'"][^#]*:\s*(?:[|>][-+0-9]*)?\s*(?:#.*)?$/;

/**
 * After a line that opens a nested block, the next line goes one level deeper than its key (YAML's
 * own grammar leaves it at the key's level, where `type:` typed under `tip:` would be a new block).
 * Any other line is left to the YAML language's indentation.
 */
export const nestedBlockIndent = indentService.of((context, pos) => {
  let line = context.lineAt(pos, -1);
  // Re-indenting an existing line (rather than a new one at a break): the line above decides.
  if (line.from === pos && pos > 0) line = context.lineAt(pos - 1, -1);
  const opened = OPENS_BLOCK.exec(line.text);
  if (!opened) return undefined;
  return (opened[1] ?? '').length + context.unit;
});
