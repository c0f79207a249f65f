import { indentService } from '@codemirror/language';
import type { Text } from '@codemirror/state';

/** A key: double- or single-quoted, or plain (not starting with a space, `#`, a quote or `-`). */
const KEY = String.raw`(?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"-][^#]*?)`;
/** A line that opens a nested block: `key:`, `- key:`, `key: |` or `key: >-`, a comment after it allowed. */
const OPENS_BLOCK = new RegExp(String.raw`^(\s*(?:-\s+)*)${KEY}\s*:\s*(?:[|>][-+0-9]*)?\s*(?:#.*)?$`);
/** A block scalar's header: the lines under it are text, not YAML. */
const BLOCK_SCALAR = /(?:^|[\s:-])[|>][-+0-9]*\s*(?:#.*)?$/;
/** How far up a line's parent is looked for. */
const SCAN_LINES = 200;

/**
 * After a line that opens a nested block, the next line goes one level deeper than its key (YAML's
 * own grammar leaves it at the key's level, where `type:` typed under `tip:` would be a new block).
 * Any other line, and any line of a block scalar's text (`Choose one:` in a `text: |`), is left to
 * the YAML language's indentation.
 */
export const nestedBlockIndent = indentService.of((context, pos) => {
  let line = context.lineAt(pos, -1);
  // Re-indenting an existing line (rather than a new one at a break): the line above decides.
  if (line.from === pos && pos > 0) line = context.lineAt(pos - 1, -1);
  const opened = OPENS_BLOCK.exec(line.text);
  if (!opened || inBlockScalar(context.state.doc, line.from, line.text)) return undefined;
  return (opened[1] ?? '').length + context.unit;
});

/** The line at `from` is text inside a block scalar: its nearest less indented line above is a `|` or `>` header. */
function inBlockScalar(doc: Text, from: number, text: string): boolean {
  const indent = indentOf(text);
  const first = doc.lineAt(from).number;
  for (let number = first - 1; number >= Math.max(1, first - SCAN_LINES); number -= 1) {
    const above = doc.line(number).text;
    if (above.trim() === '' || indentOf(above) >= indent) continue;
    return BLOCK_SCALAR.test(above);
  }
  return false;
}

function indentOf(text: string): number {
  return /^ */.exec(text)?.[0].length ?? 0;
}
