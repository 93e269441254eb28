/**
 * On the local runtime, the real history-capture handler writes the lake under DATA_DIR/lake as the
 * captures commit (LAKE_DIR), and `npm run lake`'s DuckDB views read it: the sandbox creator's three
 * days, its 437 videos with their details, and the follower gains of the growth series.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalLake } from '../../infra/lake/duckdb.ts';
import { LOCAL_TENANT_ID } from '../../infra/local/dev-tenant.ts';
import { addDays } from '../../shared/history/days.ts';
import { followerGain } from '../../shared/tiktok/sandbox/growth.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const DAY0 = '2024-06-03';
const DAYS = 3;
const creator = seedAccounts()[2]!;
let t = Date.parse(`${DAY0}T00:02:00Z`);
const clock = { now: () => t };

describe('the lake on the local runtime', () => {
  let rt: TestRuntime;
  let dsId: string;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'lake-rt-'));

  beforeAll(async () => {
    rt = await startTestRuntime({ clock, dataDir });
    dsId = await connectAccount(rt, { account: 'sandbox.creator' });
    rt.sandbox!.growth.enable(clock.now());
    for (let d = 0; d < DAYS; d += 1) {
      t = Date.parse(`${addDays(DAY0, d)}T${d === 0 ? '00:02:00' : '20:05:00'}Z`);
      await rt.scheduler.fire('schedule-dispatch');
      await rt.captureQueue.drain();
    }
  }, 240_000);

  afterAll(async () => {
    await rt?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes each committed day of the tenant, read back by DuckDB with the Athena table names', async () => {
    const lake = await openLocalLake(dataDir);
    try {
      const profile = await lake.query(`SELECT dt, follower_count, follower_count_delta, public_videos FROM profile_daily WHERE tenant_id = '${LOCAL_TENANT_ID}' AND datasource_id = '${dsId}' ORDER BY dt`);
      expect(profile.rows.map((r) => r.dt)).toEqual([DAY0, addDays(DAY0, 1), addDays(DAY0, 2)]);
      expect(profile.rows.map((r) => r.follower_count_delta)).toEqual([null, BigInt(followerGain(creator.user.follower_count, 1)), BigInt(followerGain(creator.user.follower_count, 2))]);
      expect(profile.rows.every((r) => r.public_videos === 437n)).toBe(true);
      const videos = await lake.query(`SELECT count(*) AS n, count(description) AS described, count(share_url) AS urls FROM videos WHERE tenant_id = '${LOCAL_TENANT_ID}' AND dt = '${addDays(DAY0, 2)}'`);
      expect(videos.rows[0]).toEqual({ n: 437n, described: 437n, urls: 437n });
    } finally {
      lake.close();
    }
  });
});
