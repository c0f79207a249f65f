import { compileExpression } from '../expression/index.js';
import type { Template, TemplatePart, TemplateProblem } from './types.js';

const OPEN = '{{';
const CLOSE = '}}';
const BACKSLASH = '\\';

/**
 * Parses `{{ expression }}` placeholders (docs/expressions.md, "Templates"), compiling each expression once. Text
 * outside placeholders is literal; `\{{` writes a literal `{{` (the backslash is dropped), and a
 * lone `}}` needs no escape. Never throws: problems come back as a list, each with the offset in
 * the text of what is wrong, so that the loader can report line:col.
 */
export function parseTemplate(text: string): Template | TemplateProblem[] {
  if (typeof text !== 'string') return [{ message: 'a template must be text', offset: 0 }];
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  let literal = '';
  let position = 0;
  const flush = (): void => {
    if (literal !== '') parts.push(Object.freeze({ kind: 'text', text: literal }));
    literal = '';
  };

  while (position < text.length) {
    const open = text.indexOf(OPEN, position);
    if (open < 0) break;
    if (open > position && text.charAt(open - 1) === BACKSLASH) {
      literal += text.slice(position, open - 1) + OPEN;
      position = open + OPEN.length;
      continue;
    }
    literal += text.slice(position, open);
    const start = open + OPEN.length;
    const close = findClose(text, start);
    if (close.at === undefined) {
      const quote = close.openQuote === undefined ? '' : ` (a ${close.openQuote} inside it is not closed)`;
      problems.push({
        message: `this {{ is not closed by }}${quote}; write \\{{ for a literal {{`,
        offset: open,
      });
      position = text.length;
      break;
    }
    flush();
    const source = text.slice(start, close.at);
    const compiled = compileExpression(source);
    if (compiled.ok) {
      parts.push(Object.freeze({ kind: 'placeholder', expression: compiled, offset: open }));
    } else {
      const leadingSpace = source.length - source.trimStart().length;
      problems.push({ message: compiled.message, offset: start + (compiled.offset ?? leadingSpace) });
    }
    position = close.at + CLOSE.length;
  }
  literal += text.slice(position);
  flush();
  if (problems.length > 0) return problems;
  return Object.freeze({ source: text, parts: Object.freeze(parts) });
}

/**
 * The `}}` that ends a placeholder, skipping quoted text so that `{{ "}}" }}` works. Quotes end
 * the way the expression tokenizer ends them: at the same quote not preceded by a backslash.
 */
function findClose(text: string, from: number): { at?: number; openQuote?: string } {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote !== undefined) {
      if (c === quote && text.charAt(i - 1) !== BACKSLASH) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (text.startsWith(CLOSE, i)) {
      return { at: i };
    }
  }
  return quote === undefined ? {} : { openQuote: quote };
}
