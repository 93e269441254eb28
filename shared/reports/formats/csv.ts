/**
 * CSV output (RFC 4180: CRLF line ends, quotes doubled, fields with a comma, quote or line break
 * quoted) written by csv-stringify. Columns are the union of the flattened rows' keys in first-seen
 * order (shape.ts); a missing value and null are empty cells; arrays and remaining objects are JSON
 * in one cell; dates are ISO 8601.
 *
 * Formula injection (OWASP "CSV Injection"): spreadsheets run a cell that starts with `=`, `+`, `-`
 * or `@` (also after leading spaces, and their full-width forms ＝ ＋ － ＠; tab, CR and LF are used to
 * smuggle those) as a formula. Every TEXT cell starting with one of these is prefixed with a single quote `'`, which spreadsheets show as text. Numbers and
 * booleans are written as they are: a negative number is data, not a formula. Consumers that parse
 * the CSV programmatically should strip a leading `'` from text cells that start with `'=`, `'+`,
 * `'-`, `'@`, `'\t` or `'\r`.
 */
import { stringify } from 'csv-stringify/sync';
import { tabulate } from '../../report-result/shape.ts';
import type { ReportResult } from '../../report-result/types.ts';

// Also after leading spaces, a leading line feed, and the full-width forms some spreadsheets read as = + - @.
const FORMULA_TRIGGER = /^(?:[\t\r\n]| *[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

export function neutraliseFormula(text: string): string {
  return FORMULA_TRIGGER.test(text) ? `'${text}` : text;
}

/** The text of one CSV cell. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return neutraliseFormula(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  return neutraliseFormula(JSON.stringify(value) ?? '');
}

export function renderCsv(result: ReportResult) {
  const table = tabulate(result.rows);
  // No rows to take columns from: the result's own columns (the fields asked for) still make a header.
  const columns = table.columns.length ? table.columns : result.columns;
  const rows = table.rows;
  // The header row is written as a record so column names get the same neutralisation as cells.
  const records = [columns.map(neutraliseFormula), ...rows.map((row) => columns.map((c) => csvCell(row[c])))];
  const body = columns.length === 0 ? '' : stringify(records, { record_delimiter: 'windows' });
  return { body, contentType: 'text/csv; charset=utf-8' };
}
