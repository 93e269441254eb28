/**
 * A report result as a Parquet file (schedules with `format: "parquet"`). Column types come from the
 * report's fields (shared/tiktok/fields.ts: integer -> int64, string, boolean; `create_time`, Unix
 * seconds -> UTC timestamp); a column Cloud9QL computed is typed from its values (all integers ->
 * int64, numbers -> double, booleans, else UTF-8 strings, objects as JSON). A field whose values do
 * not fit its declared type (an average renamed `view_count`) falls back to the value-based type.
 */
import { tabulate } from '../report-result/shape.ts';
import type { ReportResult } from '../report-result/types.ts';
import { FIELD_CATALOGUE } from '../tiktok/fields.ts';
import { writeParquet, type ParquetColumn, type ParquetColumnType } from './parquet.ts';

const TIME_FIELDS = new Set(['create_time']);

function fromValues(values: readonly unknown[]): ParquetColumnType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return 'string';
  if (present.every((v) => typeof v === 'boolean')) return 'boolean';
  if (present.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) return 'int64';
  if (present.every((v) => typeof v === 'number' && Number.isFinite(v))) return 'double';
  return 'string';
}

function fits(type: ParquetColumnType, values: readonly unknown[]): boolean {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (type === 'int64' || type === 'timestamptz') return present.every((v) => typeof v === 'number' && Number.isSafeInteger(v));
  if (type === 'boolean') return present.every((v) => typeof v === 'boolean');
  if (type === 'string') return present.every((v) => typeof v === 'string');
  return true;
}

export function reportColumns(result: ReportResult): { columns: ParquetColumn[]; rows: Record<string, unknown>[] } {
  const table = tabulate(result.rows);
  const names = table.columns.length ? table.columns : result.columns;
  const catalogue = (FIELD_CATALOGUE as Record<string, Record<string, { type: string }> | undefined>)[result.meta.reportType] ?? {};
  const columns = names.map((name): ParquetColumn => {
    const values = table.rows.map((r) => r[name]);
    const field = catalogue[name.split('.').pop()!];
    const declared: ParquetColumnType | undefined =
      field?.type === 'integer' ? (TIME_FIELDS.has(name.split('.').pop()!) ? 'timestamptz' : 'int64') : field?.type === 'boolean' ? 'boolean' : field?.type === 'string' ? 'string' : undefined;
    return { name, type: declared && fits(declared, values) ? declared : fromValues(values), nullable: true };
  });
  const rows = table.rows.map((r) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) {
      const v = r[c.name];
      // TikTok times are Unix seconds; Parquet timestamps here are milliseconds.
      out[c.name] = c.type === 'timestamptz' && typeof v === 'number' ? v * 1000 : v;
    }
    return out;
  });
  return { columns, rows };
}

export function renderParquet(result: ReportResult): { body: Uint8Array; contentType: string } {
  const { columns, rows } = reportColumns(result);
  const meta = { report_type: result.meta.reportType, datasource_id: result.meta.datasourceId, fetched_at: result.meta.fetchedAt };
  return { body: writeParquet(columns, rows, meta), contentType: 'application/vnd.apache.parquet' };
}
