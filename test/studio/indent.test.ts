import { insertNewlineAndIndent } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { indentUnit } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, test } from 'vitest';
import { nestedBlockIndent } from '../../studio/page/editor/indent.js';

/** The indentation Enter gives the new line at the end of `doc`, as the YAML pane is set up. */
function indentAfter(doc: string): number {
  const state = EditorState.create({
    doc,
    selection: { anchor: doc.length },
    extensions: [nestedBlockIndent, yaml(), indentUnit.of('  ')],
  });
  let line = '';
  insertNewlineAndIndent({
    state,
    dispatch: (transaction) => {
      const text = transaction.state.doc.toString();
      line = text.slice(text.lastIndexOf('\n') + 1);
    },
  });
  return line.length;
}

describe('Enter in the YAML pane', () => {
  test.each([
    ['one level deeper after a key opening a block', 'blocks:\n  tip:', 4],
    ['one level deeper after a block scalar’s header', 'blocks:\n  t:\n    text: |', 6],
    ['one level deeper after a list item’s double-quoted key', 'x:\n  - "a":', 6],
    ['one level deeper after a nested list item’s single-quoted key', "x:\n  y:\n    - 'b c':", 8],
    ['the same level after a block scalar’s text ending in a colon', 'a:\n  text: |\n    Your order:', 4],
    ['the same level after a value holding a colon in quotes', "a:\n  text: 'a: b'", 2],
    ['the same level after a URL', 'a:\n  url: http://x', 2],
    ['the same level after a comment ending in a colon', 'a:\n  b: 1 # c:', 2],
  ])('goes %s', (_, doc, indent) => {
    expect(indentAfter(doc)).toBe(indent);
  });
});
