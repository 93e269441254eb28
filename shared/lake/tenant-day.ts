/**
 * One file per tenant, dataset and day, while the tenant's datasources commit one by one across
 * the day. Each commit stages its datasource's rows (`lake-staging/tenant_id=<t>/dt=<d>/<ds>.json.gz`,
 * replaced by a rerun), then rewrites the tenant-day files from every staged datasource.
 *
 * Concurrent commits of one tenant: after writing, the staging listing is read again; if it changed
 * (another datasource staged meanwhile) the files are rewritten. With S3's read-after-write
 * consistency the last writer to see an unchanged listing wrote every staged part (docs/lake.md).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { writeParquet } from './parquet.ts';
import type { DatasetRows } from './rows.ts';
import { assertPathId, DATASET_NAMES, DATASETS, lakeKey, stagingDir, type LakeRow } from './schema.ts';
import type { LakeObject, LakeStorage } from './storage.ts';

const MAX_ROUNDS = 5;

interface StagedDay {
  v: 1;
  datasourceId: string;
  rows: DatasetRows;
}

export async function stageDatasourceDay(storage: LakeStorage, tenantId: string, day: string, datasourceId: string, rows: DatasetRows): Promise<void> {
  assertPathId('tenant id', tenantId);
  assertPathId('datasource id', datasourceId);
  const doc: StagedDay = { v: 1, datasourceId, rows };
  await storage.put(`${stagingDir(tenantId, day)}${datasourceId}.json.gz`, gzipSync(JSON.stringify(doc)), 'application/gzip');
}

/** The rows staged for a datasource-day, if any (the backfill keeps their video details). */
export async function readStaged(storage: LakeStorage, tenantId: string, day: string, datasourceId: string): Promise<DatasetRows | undefined> {
  const body = await storage.get(`${stagingDir(tenantId, day)}${datasourceId}.json.gz`);
  return body ? (JSON.parse(gunzipSync(body).toString('utf8')) as StagedDay).rows : undefined;
}

export interface CompactResult {
  datasources: number;
  rows: Record<string, number>;
  bytes: number;
  rounds: number;
}

const fingerprint = (objects: readonly LakeObject[]) => objects.map((o) => `${o.key}@${o.etag}`).join('\n');

/** Rewrites the tenant-day files from the staged datasources (idempotent; a dataset with no rows has no file). */
export async function compactTenantDay(storage: LakeStorage, tenantId: string, day: string): Promise<CompactResult> {
  assertPathId('tenant id', tenantId);
  const dir = stagingDir(tenantId, day);
  let listing = (await storage.list(dir)).filter((o) => o.key.endsWith('.json.gz'));
  for (let round = 1; ; round += 1) {
    const merged: Record<string, LakeRow[]> = Object.fromEntries(DATASET_NAMES.map((d) => [d, []]));
    for (const o of listing) {
      const body = await storage.get(o.key);
      if (!body) continue; // deleted meanwhile
      const doc = JSON.parse(gunzipSync(body).toString('utf8')) as StagedDay;
      for (const d of DATASET_NAMES) merged[d]!.push(...doc.rows[d]);
    }
    let bytes = 0;
    for (const d of DATASET_NAMES) {
      const key = lakeKey(d, tenantId, day);
      const rows = merged[d]!;
      if (rows.length === 0) {
        await storage.delete(key);
        continue;
      }
      const file = writeParquet(DATASETS[d].columns, rows, { dataset: d, tenant_id: tenantId, dt: day });
      bytes += file.byteLength;
      await storage.put(key, file, 'application/vnd.apache.parquet');
    }
    const again = (await storage.list(dir)).filter((o) => o.key.endsWith('.json.gz'));
    if (fingerprint(again) === fingerprint(listing) || round >= MAX_ROUNDS) {
      return { datasources: listing.length, rows: Object.fromEntries(DATASET_NAMES.map((d) => [d, merged[d]!.length])), bytes, rounds: round };
    }
    listing = again;
  }
}

/** Stages one datasource-day and rewrites its tenant-day files. */
export async function writeDatasourceDay(storage: LakeStorage, tenantId: string, day: string, datasourceId: string, rows: DatasetRows): Promise<CompactResult> {
  await stageDatasourceDay(storage, tenantId, day, datasourceId, rows);
  return compactTenantDay(storage, tenantId, day);
}
