/** Query results as a text table, JSON or CSV (bigints as exact integers, timestamps as ISO UTC). */
import { stringify } from 'csv-stringify/sync';
import type { LakeQueryResult } from './duckdb.ts';

function plain(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  return v as string | number | boolean;
}

export function formatResult(r: LakeQueryResult, format: 'table' | 'json' | 'csv'): string {
  const rows = r.rows.map((row) => r.columns.map((c) => plain(row[c])));
  if (format === 'json') return JSON.stringify(rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i]]))), null, 2);
  if (format === 'csv') return stringify([r.columns, ...rows.map((row) => row.map((v) => (v === null ? '' : v)))]).trimEnd();
  const cells = [r.columns, ...rows.map((row) => row.map((v) => (v === null ? 'NULL' : String(v))))];
  const widths = r.columns.map((_, i) => Math.min(60, Math.max(...cells.map((row) => row[i]!.length))));
  const line = (row: string[]) => row.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join(' | ');
  const numeric = r.types.map((t) => /INT|DOUBLE|DECIMAL|FLOAT/.test(t));
  const body = cells.slice(1).map((row) => line(row.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v))));
  return [line(r.columns), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body, `(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`].join('\n');
}
