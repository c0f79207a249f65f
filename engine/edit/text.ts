import type { TextChange } from './operation.js';

/** A text's lines by offset: where each starts, where its content ends, how it is indented. */
export class Lines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
  }

  /** Lines counted from 0; a text ending with a line break has an empty last line. */
  get count(): number {
    return this.starts.length;
  }

  lineAt(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.startOf(middle) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  startOf(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  /** The offset after the line's content, before its line break (`\r\n` or `\n`). */
  endOf(line: number): number {
    const next = this.starts[line + 1];
    if (next === undefined) return this.text.length;
    return this.text[next - 2] === '\r' ? next - 2 : next - 1;
  }

  /** Where the next line starts: the text's end for the last line. */
  afterOf(line: number): number {
    return this.starts[line + 1] ?? this.text.length;
  }

  content(line: number): string {
    return this.text.slice(this.startOf(line), this.endOf(line));
  }

  indentOf(line: number): number {
    const content = this.content(line);
    return content.length - content.trimStart().length;
  }

  isBlank(line: number): boolean {
    return this.content(line).trim() === '';
  }

  isComment(line: number): boolean {
    return this.content(line).trimStart().startsWith('#');
  }

  columnOf(offset: number): number {
    return offset - this.startOf(this.lineAt(offset));
  }

  /** The offset after the last character before `offset` that is not white space (nor a line break). */
  trimBack(offset: number, floor = 0): number {
    let end = offset;
    while (end > floor && /\s/.test(this.text[end - 1] ?? '')) end -= 1;
    return end;
  }
}

/** The line break a text uses: `\r\n` when it has any, else `\n`. */
export function lineBreakOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * Changes in the order they apply, touching ones merged. Changes are computed separately on one
 * text, so two that overlap would be a bug in the edit: it is thrown, and the edit refused.
 */
export function ordered(changes: readonly TextChange[]): TextChange[] {
  const sorted = changes
    .map((change, index) => ({ change, index }))
    .sort((a, b) => a.change.from - b.change.from || a.change.to - b.change.to || a.index - b.index)
    .map(({ change }) => change);
  const merged: TextChange[] = [];
  for (const change of sorted) {
    const last = merged.at(-1);
    if (last && change.from < last.to) throw new Error('two changes of one edit overlap');
    if (last?.to === change.from) {
      merged[merged.length - 1] = { from: last.from, to: change.to, insert: last.insert + change.insert };
    } else {
      merged.push(change);
    }
  }
  return merged.filter((change) => change.from !== change.to || change.insert !== '');
}

export function applyChanges(text: string, changes: readonly TextChange[]): string {
  let result = '';
  let at = 0;
  for (const change of changes) {
    result += text.slice(at, change.from) + change.insert;
    at = change.to;
  }
  return result + text.slice(at);
}
