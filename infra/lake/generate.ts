/**
 * A synthetic lake for measurements and demos: N sandbox creator accounts (437 videos each, seeds
 * differ) growing by the sandbox's closed-form series for D days ending on `endDay`, written with
 * the service's own row builder and Parquet writer (one file per tenant, dataset and day). Video
 * creation times are shifted so the newest video is a day old (the cadence question has recent posts).
 *
 *   npm run lake:generate -- [--accounts 100] [--days 365] [--tenant tn_local] [--data-dir .data]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { addDays, dayOf, dayStartMs } from '../../shared/history/days.ts';
import type { Counters } from '../../shared/history/videos.ts';
import { writeParquet } from '../../shared/lake/parquet.ts';
import { dayRows, type DaySnapshot, type VideoDetails } from '../../shared/lake/rows.ts';
import { DATASET_NAMES, DATASETS, lakeKey, type LakeRow } from '../../shared/lake/schema.ts';
import { fileLakeStorage } from '../../shared/lake/storage.ts';
import { SandboxGrowth } from '../../shared/tiktok/sandbox/growth.ts';
import { DEFAULT_SEED, seedAccounts, type SandboxAccount } from '../../shared/tiktok/sandbox/index.ts';

export interface GenerateOptions {
  root: string;
  tenantId: string;
  accounts: number;
  days: number;
  endDay?: string;
}

export interface GenerateResult {
  files: number;
  bytes: number;
  rows: Record<string, number>;
  /** Time spent building rows and encoding Parquet (not generating the synthetic counters). */
  writeMs: number;
  totalMs: number;
}

export async function generateLake(o: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const storage = fileLakeStorage(o.root);
  const end = o.endDay ?? dayOf(Date.now());
  const first = addDays(end, -(o.days - 1));
  const startMs = dayStartMs(first) + 10 * 3_600_000;
  const growth = new SandboxGrowth();
  growth.enable(startMs);
  const accounts: Array<{ ds: string; base: SandboxAccount; shift: number; details: Map<string, VideoDetails>; prev?: DaySnapshot }> = [];
  for (let k = 0; k < o.accounts; k += 1) {
    const base = seedAccounts(DEFAULT_SEED + k)[2]!;
    const newest = Math.max(...base.videos.map((v) => v.create_time));
    const shift = Math.floor(dayStartMs(end) / 1000) - 86_400 - newest;
    const details = new Map<string, VideoDetails>(
      base.videos.map((v) => [v.id, { title: v.title, description: v.video_description, duration: v.duration, shareUrl: v.share_url, embedLink: v.embed_link, createTime: v.create_time + shift }]),
    );
    accounts.push({ ds: `ds_gen${String(k).padStart(3, '0')}`, base, shift, details });
  }
  const result: GenerateResult = { files: 0, bytes: 0, rows: {}, writeMs: 0, totalMs: 0 };
  for (let n = 0; n < o.days; n += 1) {
    const day = addDays(first, n);
    const t = startMs + n * 86_400_000;
    const merged: Record<string, LakeRow[]> = Object.fromEntries(DATASET_NAMES.map((d) => [d, []]));
    const snaps = accounts.map((a) => {
      const acc = growth.apply(a.base, t);
      const u = acc.user;
      const today: DaySnapshot = {
        capturedAt: t,
        profile: { follower_count: u.follower_count!, following_count: u.following_count!, likes_count: u.likes_count!, video_count: u.video_count! },
        videos: new Map<string, Counters>(acc.videos.map((v) => [v.id, [v.view_count, v.like_count, v.comment_count, v.share_count] as const])),
      };
      return today;
    });
    const w = performance.now();
    accounts.forEach((a, i) => {
      const rows = dayRows({ datasourceId: a.ds, openId: a.base.user.open_id, displayName: `${a.base.user.display_name} #${i}` }, snaps[i]!, a.prev, a.details);
      for (const d of DATASET_NAMES) merged[d]!.push(...rows[d]);
      a.prev = snaps[i];
    });
    const files = DATASET_NAMES.map((d) => writeParquet(DATASETS[d].columns, merged[d]!, { dataset: d, tenant_id: o.tenantId, dt: day }));
    result.writeMs += performance.now() - w;
    for (const [i, d] of DATASET_NAMES.entries()) {
      const file = files[i]!;
      await storage.put(lakeKey(d, o.tenantId, day), file, 'application/vnd.apache.parquet');
      result.files += 1;
      result.bytes += file.byteLength;
      result.rows[d] = (result.rows[d] ?? 0) + merged[d]!.length;
    }
  }
  result.totalMs = performance.now() - started;
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { accounts: { type: 'string' }, days: { type: 'string' }, tenant: { type: 'string' }, 'data-dir': { type: 'string' }, end: { type: 'string' } } });
  const root = path.resolve(values['data-dir'] ?? process.env.DATA_DIR ?? '.data');
  generateLake({ root, tenantId: values.tenant ?? 'tn_local', accounts: Number(values.accounts ?? 100), days: Number(values.days ?? 365), ...(values.end ? { endDay: values.end } : {}) }).then(
    (r) => console.log(`${r.files} files, ${r.bytes} bytes, rows ${JSON.stringify(r.rows)}, Parquet ${Math.round(r.writeMs)} ms, total ${Math.round(r.totalMs)} ms -> ${path.join(root, 'lake')}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
