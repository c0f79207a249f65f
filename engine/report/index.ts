export { csvCell, csvLine, UTF8_BOM } from './csv.js';
export {
  formatRows,
  reportFormat,
  reportText,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportTextOptions,
  type RowFormat,
} from './format.js';
export { linkReportText } from './links.js';
export { readFunnel, type Funnel, type FunnelBlock, type FunnelEdge, type Stopped } from './funnel.js';
export {
  DEFAULT_VARIABLES,
  FIXED_COLUMNS,
  reportingStore,
  reportRows,
  variableNames,
  type ReportOptions,
  type ReportRow,
} from './rows.js';
export { parseAge, parseTimePoint } from './since.js';
export { tableCell, TableWriter } from './table.js';
