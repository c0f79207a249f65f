import { BotflowError } from '../error.js';
import type { Value } from '../runtime/types.js';
import type { ReportingStore } from '../store/types.js';
import { csvLine, UTF8_BOM } from './csv.js';
import { JsonArrayWriter, ndjsonLine } from './json.js';
import {
  DEFAULT_VARIABLES,
  FIXED_COLUMNS,
  reportRows,
  variableNames,
  type ReportOptions,
  type ReportRow,
} from './rows.js';
import { TableWriter } from './table.js';

export const REPORT_FORMATS = ['table', 'csv', 'json', 'ndjson'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A format's name as a report format, or a one-sentence error. */
export function reportFormat(name: string): ReportFormat {
  if (!(REPORT_FORMATS as readonly string[]).includes(name)) {
    throw new BotflowError(
      'report.bad-option',
      `the report format must be ${REPORT_FORMATS.slice(0, -1).join(', ')} or ${REPORT_FORMATS.at(-1) ?? ''}, not "${name}"`,
    );
  }
  return name as ReportFormat;
}

export interface ReportTextOptions extends ReportOptions, RowFormat {}

/**
 * The report as text, a chunk a row (a table holds its first rows to size its columns): what
 * `botflow report` writes and `GET /reports/conversations` streams, in constant memory.
 */
export async function* reportText(store: ReportingStore, options: ReportTextOptions): AsyncIterable<string> {
  // JSON rows carry their variables by name; only columns need the names beforehand.
  const names =
    options.format === 'csv' || options.format === 'table' ? await columnVariables(store, options) : [];
  // A variable named like a fixed column (a script's own `status`) is told apart by a prefix.
  const header = [
    ...FIXED_COLUMNS,
    ...names.map((name) => ((FIXED_COLUMNS as readonly string[]).includes(name) ? `vars.${name}` : name)),
  ];
  const cells = (row: ReportRow) => [
    ...FIXED_COLUMNS.map((column) => cellText(row[column])),
    ...names.map((name) => cellText(Object.hasOwn(row.variables, name) ? row.variables[name] : '')),
  ];
  yield* formatRows(reportRows(store, options), header, cells, options);
}

/** How rows are written: the format, and what `reportText` adds to it. */
export interface RowFormat {
  readonly format: ReportFormat;
  /** CSV: start with a byte-order mark, for Excel. */
  readonly bom?: boolean;
  /** Called after each row, with how many have been written (a progress line). */
  readonly onRow?: (rows: number) => void;
}

/**
 * Rows as text in a report format, a chunk a row: CSV and table rows as `cells` (under `header`),
 * JSON and NDJSON rows as they are. Every report (conversations, links) is written by it.
 */
export async function* formatRows<Row extends object>(
  rows: AsyncIterable<Row>,
  header: readonly string[],
  cells: (row: Row) => readonly string[],
  { format, bom, onRow }: RowFormat,
): AsyncIterable<string> {
  let count = 0;
  const counted = () => onRow?.(++count);
  if (format === 'csv') {
    yield (bom === true ? UTF8_BOM : '') + csvLine(header);
    for await (const row of rows) {
      yield csvLine(cells(row));
      counted();
    }
  } else if (format === 'table') {
    const table = new TableWriter(header);
    for await (const row of rows) {
      yield table.row(cells(row));
      counted();
    }
    yield table.end();
  } else if (format === 'json') {
    const json = new JsonArrayWriter();
    yield json.start();
    for await (const row of rows) {
      yield json.row(row);
      counted();
    }
    yield json.end();
  } else {
    for await (const row of rows) {
      yield ndjsonLine(row);
      counted();
    }
  }
}

/** The variable columns: those asked for, or every one the conversations hold (a first pass). */
async function columnVariables(store: ReportingStore, options: ReportOptions): Promise<readonly string[]> {
  if (options.variables === 'all') return variableNames(store, options);
  return options.variables ?? DEFAULT_VARIABLES;
}

/** A value as a cell's text: text as it is, nothing as empty, anything else as JSON. */
function cellText(value: Value | null | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
