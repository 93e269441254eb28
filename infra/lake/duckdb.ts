/**
 * The local lake in DuckDB: one view per dataset over `<root>/lake/<dataset>/tenant_id=*\/dt=*\/*.parquet`,
 * with the Athena tables' names and columns (partition columns last, both VARCHAR as in Glue), so
 * the same SQL runs in both. A dataset with no file yet is an empty view of the same columns.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DATASET_NAMES, DATASETS, LAKE_PREFIX, PARTITION_COLUMNS, type LakeColumnType } from '../../shared/lake/schema.ts';

const DUCK_TYPES: Record<LakeColumnType, string> = { string: 'VARCHAR', int64: 'BIGINT', int32: 'INTEGER', timestamptz: 'TIMESTAMPTZ' };

export interface LakeQueryResult {
  columns: string[];
  types: string[];
  rows: Record<string, unknown>[];
}

export interface LocalLake {
  query(sql: string): Promise<LakeQueryResult>;
  close(): void;
}

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function hasFiles(conn: DuckDBConnection, glob: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) AS n FROM glob(${quote(glob)})`);
  return Number(r.getRowObjectsJS()[0]!.n) > 0;
}

export async function openLocalLake(root: string): Promise<LocalLake> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const name of DATASET_NAMES) {
    const dir = path.join(root, LAKE_PREFIX, name);
    const glob = `${dir}/tenant_id=*/dt=*/*.parquet`;
    const cols = DATASETS[name].columns;
    const partitions = PARTITION_COLUMNS.map((p) => p.name);
    if (existsSync(dir) && (await hasFiles(conn, glob))) {
      const select = [...cols.map((c) => `CAST(${c.name} AS ${DUCK_TYPES[c.type]}) AS ${c.name}`), ...partitions].join(', ');
      await conn.run(
        `CREATE VIEW ${name} AS SELECT ${select} FROM read_parquet(${quote(glob)}, hive_partitioning = true, hive_types = {${partitions.map((p) => `'${p}': VARCHAR`).join(', ')}})`,
      );
    } else {
      const select = [...cols.map((c) => `CAST(NULL AS ${DUCK_TYPES[c.type]}) AS ${c.name}`), ...partitions.map((p) => `CAST(NULL AS VARCHAR) AS ${p}`)].join(', ');
      await conn.run(`CREATE VIEW ${name} AS SELECT ${select} WHERE false`);
    }
  }
  return {
    async query(sql) {
      const reader = await conn.runAndReadAll(sql);
      return { columns: reader.columnNames(), types: reader.columnTypes().map(String), rows: reader.getRowObjectsJS() as Record<string, unknown>[] };
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
