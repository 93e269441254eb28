/**
 * What a tool answer may weigh. A model's context is small and costly, so rows are capped by count
 * and by serialised size, and the text rendering is a compact table of the first rows only.
 */

/** Most rows a run_report answer carries in structuredContent. */
export const MAX_ROWS = 200;
/** Most characters of JSON the rows of one answer may take. */
export const MAX_ROWS_CHARS = 60_000;
/** Rows and columns shown in the text table; cells clipped to CELL_CHARS. */
export const TABLE_ROWS = 25;
export const TABLE_COLUMNS = 10;
export const CELL_CHARS = 48;

export interface Bounded<T> {
  rows: T[];
  /** Rows before bounding. */
  total: number;
  truncated: boolean;
}

/** The first rows that fit both bounds (at least none, never a partial row). */
export function boundRows<T>(rows: readonly T[], maxRows = MAX_ROWS, maxChars = MAX_ROWS_CHARS): Bounded<T> {
  const kept: T[] = [];
  let chars = 2;
  for (const row of rows) {
    if (kept.length >= maxRows) break;
    const size = JSON.stringify(row)?.length ?? 4;
    if (chars + size + 1 > maxChars) break;
    chars += size + 1;
    kept.push(row);
  }
  return { rows: kept, total: rows.length, truncated: kept.length < rows.length };
}

function cell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (typeof value === 'object') s = JSON.stringify(value);
  else s = String(value);
  s = s.replace(/[\r\n\t|]+/g, ' ');
  return s.length > CELL_CHARS ? `${s.slice(0, CELL_CHARS - 1)}…` : s;
}

/** Nested objects as dotted columns (`select data.user;` gives one object per row), as the CSV renderer does. */
function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}, depth = 0): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && depth < 4) flatten(v as Record<string, unknown>, `${prefix}${k}.`, out, depth + 1);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

/** A Markdown table of the first rows and columns (models read it well; people too). */
export function textTable(input: readonly Record<string, unknown>[]): string {
  if (input.length === 0) return '(no rows)';
  const rows = input.map((r) => flatten(r));
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const shownCols = cols.slice(0, TABLE_COLUMNS);
  const lines = [`| ${shownCols.join(' | ')} |`, `|${shownCols.map(() => '---').join('|')}|`];
  for (const row of rows.slice(0, TABLE_ROWS)) lines.push(`| ${shownCols.map((c) => cell(row[c])).join(' | ')} |`);
  const notes: string[] = [];
  if (rows.length > TABLE_ROWS) notes.push(`${rows.length - TABLE_ROWS} more rows in the structured content`);
  if (cols.length > TABLE_COLUMNS) notes.push(`columns not shown: ${cols.slice(TABLE_COLUMNS).join(', ')}`);
  return notes.length ? `${lines.join('\n')}\n(${notes.join('; ')})` : lines.join('\n');
}
