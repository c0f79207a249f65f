/** A JSON array written a row at a time: `[`, the rows split by commas, `]`. */
export class JsonArrayWriter {
  private rows = 0;

  start(): string {
    return '[';
  }

  row(row: object): string {
    this.rows += 1;
    return `${this.rows === 1 ? '' : ','}\n${JSON.stringify(row)}`;
  }

  end(): string {
    return this.rows === 0 ? ']\n' : '\n]\n';
  }
}

/** Newline-delimited JSON: one row a line. */
export const ndjsonLine = (row: object): string => `${JSON.stringify(row)}\n`;
