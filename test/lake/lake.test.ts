/**
 * The lake written by the snapshot commit and by the backfill: files read back with DuckDB and with
 * hyparquet (an independent reader) match the history report for the same days; one file per
 * tenant, dataset and day; a rerun replaces; a year of the 437-video sandbox account backfills to
 * 365 partitions per dataset with the right totals.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalLake, type LocalLake } from '../../infra/lake/duckdb.ts';
import { addDays, eachDay } from '../../shared/history/days.ts';
import { videoStateAt } from '../../shared/history/replay.ts';
import { computeHistory, HISTORY_METRICS } from '../../shared/history/report.ts';
import { backfillLake } from '../../shared/lake/backfill.ts';
import { withLake } from '../../shared/lake/hook.ts';
import { lakeQuestions } from '../../shared/lake/questions.ts';
import { DATASET_NAMES, DATASETS, lakeKey } from '../../shared/lake/schema.ts';
import { fileLakeStorage } from '../../shared/lake/storage.ts';
import { startTestTable, testClock, type TestTable } from '../history/support.ts';
import { commitDays, creator, DAY_MS, putDatasource, START, storeAt, TENANT } from './support.ts';

const DS = 'ds_lakeA';
const DS2 = 'ds_lakeB';
const DAYS = 10;
const day = (n: number) => new Date(START + n * DAY_MS).toISOString().slice(0, 10);

async function readParquet(root: string, key: string) {
  const buf = (await readFile(path.join(root, key))).buffer as ArrayBuffer;
  return { rows: (await parquetReadObjects({ file: buf })) as Record<string, unknown>[], meta: parquetMetadata(buf) };
}

describe('the lake, written by the daily snapshot commit', () => {
  let table: TestTable;
  let root: string;
  let lake: LocalLake;
  const clock = testClock('2024-06-01T10:00:00Z');
  const history = () => ({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now });

  beforeAll(async () => {
    table = await startTestTable();
    root = await mkdtemp(path.join(tmpdir(), 'lake-'));
    await putDatasource(table, DS, creator());
    await putDatasource(table, DS2, creator());
    const storage = fileLakeStorage(root);
    const store = () => withLake(storeAt(table, clock), { history: history(), storage });
    await commitDays(store, { set: (ms) => clock.set(new Date(ms).toISOString()) }, DS, Array.from({ length: DAYS }, (_, i) => i));
    // A second account of the same tenant commits days 0-2 after the first: still one file per tenant-day.
    await commitDays(store, { set: (ms) => clock.set(new Date(ms).toISOString()) }, DS2, [0, 1, 2]);
    lake = await openLocalLake(root);
  }, 120_000);

  afterAll(async () => {
    lake?.close();
    await table?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('writes one Parquet file per tenant, dataset and day, Hive-partitioned', async () => {
    for (const d of DATASET_NAMES) {
      const days = await readdir(path.join(root, 'lake', d, `tenant_id=${TENANT}`));
      expect(days.sort()).toEqual(eachDay(day(0), day(DAYS - 1)).map((x) => `dt=${x}`));
      for (const x of days) expect(await readdir(path.join(root, 'lake', d, `tenant_id=${TENANT}`, x))).toEqual(['part-0.parquet']);
    }
    const { rows } = await readParquet(root, lakeKey('profile_daily', TENANT, day(1)));
    expect(rows.map((r) => r.datasource_id)).toEqual([DS, DS2]);
  });

  it('has the declared Parquet types: int64 counters, UTC timestamps, UTF-8 strings (hyparquet and DuckDB agree)', async () => {
    const { meta } = await readParquet(root, lakeKey('video_daily', TENANT, day(3)));
    const el = (name: string) => meta.schema.find((s) => s.name === name)!;
    expect(el('view_count')).toMatchObject({ type: 'INT64', repetition_type: 'OPTIONAL' });
    expect(el('create_time')).toMatchObject({ type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } });
    expect(el('video_id')).toMatchObject({ type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' });
    for (const d of DATASET_NAMES) {
      const described = await lake.query(`DESCRIBE ${d}`);
      const types = Object.fromEntries(described.rows.map((r) => [r.column_name, r.column_type]));
      for (const c of DATASETS[d].columns) {
        expect(types[c.name], `${d}.${c.name}`).toBe({ string: 'VARCHAR', int64: 'BIGINT', int32: 'INTEGER', timestamptz: 'TIMESTAMP WITH TIME ZONE' }[c.type]);
      }
      expect([types.tenant_id, types.dt]).toEqual(['VARCHAR', 'VARCHAR']);
    }
  });

  it('profile_daily matches the history report, day by day, values and deltas (DuckDB and hyparquet)', async () => {
    const report = await computeHistory(
      { datasourceId: DS, from: day(0), to: day(DAYS - 1), granularity: 'day', metrics: [...HISTORY_METRICS], topVideos: 0 },
      { ...history(), settings: { checkpointEveryDays: 28, chunkBytes: 300_000 } },
    );
    const duck = await lake.query(`SELECT * FROM profile_daily WHERE tenant_id = '${TENANT}' AND datasource_id = '${DS}' ORDER BY dt`);
    expect(duck.rows).toHaveLength(DAYS);
    const metric = (m: string) => m.replace('video_views', 'video_views');
    for (const [i, period] of report.periods.entries()) {
      const row = duck.rows[i]!;
      const hy = (await readParquet(root, lakeKey('profile_daily', TENANT, period.start))).rows.find((r) => r.datasource_id === DS)!;
      expect(row.dt).toBe(period.start);
      for (const m of HISTORY_METRICS) {
        const expected = [period[m], period[`${m}_delta`]].map((v) => (v === null ? null : BigInt(v as number)));
        expect([row[metric(m)], row[`${metric(m)}_delta`]], `${period.start} ${m}`).toEqual(expected);
        expect([hy[m], hy[`${m}_delta`]]).toEqual(expected);
      }
      expect(row.open_id).toBe(`open_${DS}`);
      expect(row.display_name).toBe(creator().user.display_name);
    }
    // The first day has no day before it: deltas are null, never 0.
    expect(duck.rows[0]!.follower_count_delta).toBeNull();
  });

  it('video_daily holds every present video with its counters and day deltas, as the stored history replays them', async () => {
    for (const n of [0, 1, 5, DAYS - 1]) {
      const [state, prev] = await Promise.all([videoStateAt(history(), DS, day(n)), videoStateAt(history(), DS, day(n - 1))]);
      const present = state!.state.present();
      const { rows } = await readParquet(root, lakeKey('video_daily', TENANT, day(n)));
      const mine = rows.filter((r) => r.datasource_id === DS);
      expect(mine).toHaveLength(present.size);
      expect(present.size).toBe(437);
      for (const r of mine) {
        const c = present.get(String(r.video_id))!;
        expect([r.view_count, r.like_count, r.comment_count, r.share_count]).toEqual(c.map(BigInt));
        const p = prev?.state.get(String(r.video_id));
        expect(r.view_count_delta).toEqual(n === 0 ? null : BigInt(c[0] - (p?.[0] ?? 0)));
      }
      const duck = await lake.query(`SELECT count(*) AS n, sum(view_count) AS views FROM video_daily WHERE tenant_id = '${TENANT}' AND dt = '${day(n)}' AND datasource_id = '${DS}'`);
      expect(duck.rows[0]).toEqual({ n: 437n, views: BigInt([...present.values()].reduce((s, c) => s + c[0], 0)) });
    }
  });

  it('videos keeps the metadata the capture saw (title, description, duration, URLs, create time)', async () => {
    const v = creator().videos[0]!;
    const duck = await lake.query(`SELECT * FROM videos WHERE tenant_id = '${TENANT}' AND dt = '${day(2)}' AND video_id = '${v.id}' AND datasource_id = '${DS}'`);
    expect(duck.rows[0]).toMatchObject({ title: v.title, description: v.video_description, duration: v.duration, share_url: v.share_url, embed_link: v.embed_link });
    expect((duck.rows[0]!.create_time as Date).getTime()).toBe(v.create_time * 1000);
  });

  it('a rerun (backfill of the same days) replaces the files: same rows, no duplicates, details kept', async () => {
    const before = await lake.query(`SELECT * FROM videos WHERE tenant_id = '${TENANT}' ORDER BY dt, datasource_id, video_id`);
    const beforeDaily = await lake.query(`SELECT * EXCLUDE (captured_at) FROM profile_daily ORDER BY dt, datasource_id`);
    const result = await backfillLake({ history: history(), storage: fileLakeStorage(root) }, TENANT, [DS, DS2], day(0), day(DAYS - 1));
    expect(result).toMatchObject({ datasources: 2, days: DAYS, files: 3 * DAYS });
    const fresh = await openLocalLake(root);
    try {
      expect((await fresh.query(`SELECT * FROM videos WHERE tenant_id = '${TENANT}' ORDER BY dt, datasource_id, video_id`)).rows).toEqual(before.rows);
      expect((await fresh.query(`SELECT * EXCLUDE (captured_at) FROM profile_daily ORDER BY dt, datasource_id`)).rows).toEqual(beforeDaily.rows);
      const counts = await fresh.query(`SELECT dt, count(*) AS n FROM profile_daily GROUP BY dt ORDER BY dt`);
      expect(counts.rows.map((r) => Number(r.n))).toEqual([2, 2, 2, 1, 1, 1, 1, 1, 1, 1]);
    } finally {
      fresh.close();
    }
  });

  it('the README questions run in DuckDB as written', async () => {
    for (const [name, sql] of Object.entries(lakeQuestions(TENANT))) {
      const r = await lake.query(sql);
      expect(r.columns.length, name).toBeGreaterThan(2);
    }
  });
});

describe('backfill of a year', () => {
  let table: TestTable;
  let root: string;
  const clock = testClock('2024-06-01T10:00:00Z');

  beforeAll(async () => {
    table = await startTestTable();
    root = await mkdtemp(path.join(tmpdir(), 'lake-year-'));
    await putDatasource(table, DS, creator());
  }, 60_000);

  afterAll(async () => {
    await table?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('365 days of the 437-video sandbox account give 365 partitions per dataset with the right totals', async () => {
    await commitDays(() => storeAt(table, clock), { set: (ms) => clock.set(new Date(ms).toISOString()) }, DS, Array.from({ length: 365 }, (_, i) => i));
    const history = { dynamo: table.dynamo, tableName: table.tableName, now: clock.now };
    const result = await backfillLake({ history, storage: fileLakeStorage(root) }, TENANT, [DS], day(0), day(364));
    expect(result).toMatchObject({ days: 365, files: 365 * 3, rows: { profile_daily: 365, video_daily: 365 * 437, videos: 365 * 437 } });
    for (const d of DATASET_NAMES) expect(await readdir(path.join(root, 'lake', d, `tenant_id=${TENANT}`))).toHaveLength(365);
    const lake = await openLocalLake(root);
    try {
      const totals = await lake.query(`SELECT count(*) AS days, sum(follower_count_delta) AS followers_gained, min(dt) AS first, max(dt) AS last,
        max_by(follower_count, dt) - min_by(follower_count, dt) AS span, sum(video_views_delta) AS views_gained, max_by(video_views, dt) - min_by(video_views, dt) AS views_span
        FROM profile_daily WHERE tenant_id = '${TENANT}'`);
      const t = totals.rows[0]!;
      expect(t).toMatchObject({ days: 365n, first: day(0), last: day(364) });
      expect(t.followers_gained).toBe(t.span);
      expect(t.views_gained).toBe(t.views_span);
      const perVideo = await lake.query(`SELECT count(*) AS n, sum(view_count_delta) AS gained FROM video_daily WHERE tenant_id = '${TENANT}' AND dt > '${day(0)}'`);
      expect(perVideo.rows[0]!.n).toBe(364n * 437n);
      expect(perVideo.rows[0]!.gained).toBe(t.views_span);
      const last = await videoStateAt(history, DS, day(364));
      const views = [...last!.state.present().values()].reduce((s, c) => s + c[0], 0);
      expect((await lake.query(`SELECT sum(view_count) AS v FROM video_daily WHERE tenant_id = '${TENANT}' AND dt = '${day(364)}'`)).rows[0]!.v).toBe(BigInt(views));
      expect(addDays(day(0), 364)).toBe(day(364));
    } finally {
      lake.close();
    }
  }, 600_000);
});
