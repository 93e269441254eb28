/**
 * The lake: size of an account-year, Parquet write time per account-day (the commit's staged path:
 * stage + compact, and the raw encode), DuckDB time for the README's three questions over
 * LAKE_BENCH_ACCOUNTS (100) accounts x 365 days from the generator (infra/lake/generate.ts), and the
 * Parquet writer's bundle cost in the functions that write Parquet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { parquetReadObjects } from 'hyparquet';
import { openLocalLake } from '../../infra/lake/duckdb.ts';
import { generateLake } from '../../infra/lake/generate.ts';
import { esbuildOptions } from '../../infra/bundling.ts';
import { addDays, dayOf } from '../../shared/history/days.ts';
import { lakeQuestions } from '../../shared/lake/questions.ts';
import { fileLakeStorage } from '../../shared/lake/storage.ts';
import type { DatasetRows } from '../../shared/lake/rows.ts';
import { writeDatasourceDay } from '../../shared/lake/tenant-day.ts';
import type { BenchResult } from './types.ts';

const root = path.resolve(import.meta.dirname, '../..');
const ACCOUNTS = Number(process.env.LAKE_BENCH_ACCOUNTS ?? 100);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bundleBytes(entry: string): Promise<{ total: number; writer: number; lake: number }> {
  const r = await build({ ...esbuildOptions(path.join(root, entry), path.join(root, 'dist-bench/index.mjs')), write: false, metafile: true, logLevel: 'silent' });
  const out = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
  let writer = 0;
  let lake = 0;
  for (const [file, info] of Object.entries(out.inputs)) {
    if (/node_modules\/hyparquet(-writer)?\//.test(file)) writer += info.bytesInOutput;
    if (file.includes('shared/lake/')) lake += info.bytesInOutput;
  }
  return { total: out.bytes, writer, lake };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lake-bench-'));
  try {
    // One account-year, written as the service writes it (one file per dataset and day).
    const one = await generateLake({ root: path.join(dir, 'one'), tenantId: 'tn_bench', accounts: 1, days: 365 });
    results.push({ name: 'lake: one 437-video account-year, bytes', value: one.bytes, unit: 'bytes', note: `${one.files} files; rows ${JSON.stringify(one.rows)}` });
    results.push({ name: 'lake: Parquet encode per account-day (3 files, 437 videos)', value: one.writeMs / 365, unit: 'ms' });

    // The commit's path for one datasource-day: stage its rows, rewrite the tenant-day files.
    const storage = fileLakeStorage(path.join(dir, 'one'));
    const day = addDays(dayOf(Date.now()), -1);
    // generateLake writes tenant-day files directly: read that day back, then write it the commit's way.
    const read = async (d: string) =>
      (await parquetReadObjects({ file: (await readFile(path.join(dir, 'one', `lake/${d}/tenant_id=tn_bench/dt=${day}/part-0.parquet`))).buffer as ArrayBuffer })).map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : v])),
      );
    const dayRows = { profile_daily: await read('profile_daily'), video_daily: await read('video_daily'), videos: await read('videos') } as DatasetRows;
    const times: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const t = performance.now();
      await writeDatasourceDay(storage, 'tn_commit', day, 'ds_gen000', dayRows);
      times.push(performance.now() - t);
    }
    results.push({ name: 'lake: commit write (stage + compact), 1-account tenant, per day', value: median(times), unit: 'ms', note: 'median of 15' });
    // The last commit of the day in a tenant of ACCOUNTS datasources rewrites the tenant-day from all staged parts.
    // Ids differ per account (identical rows would compress away and flatter the figure).
    const as = (k: number): DatasetRows => {
      const map = (rows: DatasetRows[keyof DatasetRows]) => rows.map((r) => ({ ...r, datasource_id: `ds_${k}`, ...(typeof r.video_id === 'string' ? { video_id: `${r.video_id}${k}` } : {}) }));
      return { profile_daily: map(dayRows.profile_daily), video_daily: map(dayRows.video_daily), videos: map(dayRows.videos) };
    };
    for (let k = 1; k < ACCOUNTS; k += 1) await writeDatasourceDay(storage, 'tn_commit100', day, `ds_${k}`, as(k));
    const t = performance.now();
    const last = await writeDatasourceDay(storage, 'tn_commit100', day, 'ds_last', as(ACCOUNTS));
    results.push({ name: `lake: commit write with ${ACCOUNTS - 1} other accounts of the tenant staged that day`, value: performance.now() - t, unit: 'ms', note: `rewrites the tenant-day from ${last.datasources} staged datasources, ${last.bytes} B` });

    // The three README questions over ACCOUNTS x 365 days.
    // LAKE_BENCH_FLEET_DIR: a lake generated before (npm run lake:generate), tenant tn_local; else generated here.
    const fleetDir = process.env.LAKE_BENCH_FLEET_DIR ?? path.join(dir, 'fleet');
    if (!process.env.LAKE_BENCH_FLEET_DIR) {
      const fleet = await generateLake({ root: fleetDir, tenantId: 'tn_local', accounts: ACCOUNTS, days: 365 });
      results.push({ name: `lake: ${ACCOUNTS} accounts x 365 days, bytes`, value: fleet.bytes, unit: 'bytes', note: `${fleet.files} files; rows ${JSON.stringify(fleet.rows)}; Parquet encode ${Math.round(fleet.writeMs)} ms total` });
    }
    const lake = await openLocalLake(fleetDir);
    try {
      for (const [name, sql] of Object.entries(lakeQuestions('tn_local'))) {
        const ms: number[] = [];
        let rowsOut = 0;
        for (let i = 0; i < 5; i += 1) {
          const t = performance.now();
          rowsOut = (await lake.query(sql)).rows.length;
          ms.push(performance.now() - t);
        }
        results.push({ name: `lake: DuckDB ${name} (${ACCOUNTS} accounts x 365 days)`, value: median(ms), unit: 'ms', note: `median of 5, ${rowsOut} rows` });
      }
    } finally {
      lake.close();
    }

    for (const fn of ['history-capture', 'report-generate', 'report-profile']) {
      const b = await bundleBytes(`functions/${fn}/handler.ts`);
      results.push({ name: `bundle: ${fn} total / hyparquet(-writer) / shared/lake`, value: b.total, unit: 'bytes', note: `writer ${b.writer} B, lake code ${b.lake} B` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
