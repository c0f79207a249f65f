import type { Text } from '@codemirror/state';

/**
 * The line break the pane splits a text on: the text's own, so that the pane gives back the
 * file's bytes (a CRLF file stays CRLF; a lone `\r` stays a character).
 */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Positions in the pane's document for offsets into `text`: a CRLF line break is one position in
 * the document and two characters in the text (the server's changes count characters).
 */
export function positionsIn(text: string, lineBreak: string): (offset: number) => number {
  if (lineBreak === '\n') return (offset) => offset;
  const breaks: number[] = [];
  for (let at = text.indexOf('\r\n'); at >= 0; at = text.indexOf('\r\n', at + 2)) breaks.push(at);
  return (offset) => {
    // Breaks wholly before the offset: the first break at or past offset - 1 is not.
    let low = 0;
    let high = breaks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((breaks[middle] ?? 0) + 2 <= offset) low = middle + 1;
      else high = middle;
    }
    return offset - low;
  };
}

/** The one change that turns `from` into `to`: what differs between their common start and end. */
export function difference(from: string, to: string): { from: number; to: number; insert: string } {
  const shorter = Math.min(from.length, to.length);
  let start = 0;
  while (start < shorter && from.charCodeAt(start) === to.charCodeAt(start)) start += 1;
  // Never between the two characters of a CRLF line break: the pane has no position there.
  if (start > 0 && from[start - 1] === '\r' && (from[start] === '\n' || to[start] === '\n')) start -= 1;
  let end = 0;
  while (
    end < shorter - start &&
    from.charCodeAt(from.length - 1 - end) === to.charCodeAt(to.length - 1 - end)
  ) {
    end += 1;
  }
  if (end > 0 && from[from.length - end] === '\n' && from[from.length - end - 1] === '\r') end -= 1;
  return { from: start, to: from.length - end, insert: to.slice(start, to.length - end) };
}

/** The position of a problem's 1-based line and column, kept inside the document. */
export function positionOf(doc: Text, line: number, column: number): number {
  const at = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(at.from + Math.max(column, 1) - 1, at.to);
}
