/**
 * Rows to a Parquet file with hyparquet-writer. Only the modules that write Parquet import this
 * (the capture lane's lake hook, Parquet deliveries, the backfill): the writer is kept out of the
 * other functions' bundles (test/infra/bundle-contents.test.ts).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { LakeColumnType } from './schema.ts';

export type ParquetColumnType = LakeColumnType | 'double' | 'boolean';

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  nullable: boolean;
}

type Element = { name: string; type: 'INT64' | 'INT32' | 'DOUBLE' | 'BOOLEAN' | 'BYTE_ARRAY'; repetition_type: 'OPTIONAL' | 'REQUIRED' } & Record<string, unknown>;

function element(c: ParquetColumn): Element {
  const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
  switch (c.type) {
    case 'string':
      return { name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
    case 'int64':
      return { name: c.name, type: 'INT64', repetition_type };
    case 'int32':
      return { name: c.name, type: 'INT32', repetition_type };
    case 'timestamptz':
      // UTC-adjusted millis: DuckDB reads TIMESTAMP WITH TIME ZONE, Athena `timestamp`.
      return { name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' }, repetition_type };
    case 'double':
      return { name: c.name, type: 'DOUBLE', repetition_type };
    case 'boolean':
      return { name: c.name, type: 'BOOLEAN', repetition_type };
  }
}

function columnValues(c: ParquetColumn, rows: readonly Record<string, unknown>[]): unknown[] {
  return rows.map((r) => {
    const v = r[c.name];
    if (v === null || v === undefined) {
      if (!c.nullable) throw new Error(`Column ${c.name} is not nullable`);
      return null;
    }
    switch (c.type) {
      case 'int64':
      case 'timestamptz': {
        const n = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : v instanceof Date ? BigInt(v.getTime()) : undefined;
        if (n === undefined) throw new Error(`Column ${c.name}: not an integer: ${String(v)}`);
        return n;
      }
      case 'int32':
        if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 31 - 1) throw new Error(`Column ${c.name}: not an int32: ${String(v)}`);
        return v;
      case 'double':
        return Number(v);
      case 'boolean':
        return Boolean(v);
      case 'string':
        return typeof v === 'string' ? v : JSON.stringify(v);
    }
  });
}

export function writeParquet(columns: readonly ParquetColumn[], rows: readonly Record<string, unknown>[], kvMetadata: Record<string, string> = {}): Uint8Array {
  const buffer = parquetWriteBuffer({
    // No min/max statistics on strings: they cost most of the encode time (unique ids) and no engine prunes a one-file partition by a title.
    columnData: columns.map((c) => ({ name: c.name, data: columnValues(c, rows) as never, statistics: c.type !== 'string' })),
    schema: [{ name: 'root', num_children: columns.length }, ...columns.map(element)] as never,
    kvMetadata: Object.entries(kvMetadata).map(([key, value]) => ({ key, value })),
    createdBy: 'tiktok-connector (hyparquet-writer)',
    // One row group: files are one tenant-day (or one report), read whole.
    rowGroupSize: Math.max(1, rows.length),
  });
  return new Uint8Array(buffer);
}
