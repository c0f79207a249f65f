/** A cell's longest width in a table: a terminal line is for reading, the CSV for the whole text. */
const CELL_WIDTH = 40;

/**
 * A cell as one line of plain text: control characters (a newline, a terminal's escape) are
 * shown as `\n`-style escapes, so a variable cannot break the table or drive the terminal.
 */
export function tableCell(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) =>
    character === '\n' ? '\\n' : `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Aligned columns for a terminal, streamed: each column is as wide as its header, or as the
 * widest of its first rows (`sample`), and no wider than CELL_WIDTH; a longer cell is cut with `…`.
 */
export class TableWriter {
  private widths: number[] | undefined;
  private readonly held: string[][] = [];

  constructor(
    private readonly header: readonly string[],
    private readonly sample = 100,
  ) {}

  /** The lines this row lets out: none while the sample is gathered, then the sample at once. */
  row(cells: readonly string[]): string {
    const shown = cells.map(tableCell);
    if (this.widths) return this.line(shown);
    this.held.push(shown);
    return this.held.length < this.sample ? '' : this.release();
  }

  /** What is still held, at the end. */
  end(): string {
    return this.widths ? '' : this.release();
  }

  private release(): string {
    this.widths = this.header.map((title, column) =>
      Math.min(CELL_WIDTH, Math.max(title.length, ...this.held.map((cells) => (cells[column] ?? '').length))),
    );
    const lines = [this.header, ...this.held.splice(0)].map((cells) => this.line(cells));
    return lines.join('');
  }

  private line(cells: readonly string[]): string {
    const widths = this.widths ?? [];
    const padded = widths.map((width, column) => {
      const cell = cells[column] ?? '';
      return (cell.length > width ? `${cell.slice(0, width - 1)}…` : cell).padEnd(width);
    });
    return `${padded.join('  ').trimEnd()}\n`;
  }
}
