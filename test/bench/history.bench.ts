/**
 * Growth history over a simulated year of the 437-video sandbox account (sandbox.creator with the
 * sandbox's growth series, one deleted video, a three-day gap):
 *   - storage per datasource: bytes (DynamoDB item-size rule) and items, by kind, against the naive
 *     layout (one full per-video item per day) measured on the same data;
 *   - history report latency over the whole year, p50/p99 for day, week and month (embedded
 *     DynamoDB in process: the figures compare granularities, they are not AWS latencies);
 *   - the HTML report of that year, screenshotted in headless Chromium (test-output/screenshots).
 * Snapshots are captured through captureSnapshot with the sandbox's own growth model as the source
 * (the HTTP path is covered by test/history/integration.test.ts; a year of it would take minutes).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { captureSnapshot, type SnapshotSource } from '../../shared/history/capture.ts';
import { addDays, dayOf } from '../../shared/history/days.ts';
import { computeHistory, HISTORY_METRICS, type HistoryQuery } from '../../shared/history/report.ts';
import { itemSize } from '../../shared/history/store.ts';
import { encodeFull, type Counters } from '../../shared/history/videos.ts';
import { renderHtml } from '../../shared/render/index.ts';
import type { ReportResult } from '../../shared/report-result/types.ts';
import { SandboxGrowth } from '../../shared/tiktok/sandbox/growth.ts';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { SCREENSHOT_DIR, browserUnavailableReason, guardPage, launchChromium } from '../support/browser.ts';
import { startTestTable } from '../history/support.ts';
import type { BenchResult } from './types.ts';

const DAYS = 365;
const START = '2024-01-01';
const GAP = new Set(['2024-05-10', '2024-05-11', '2024-05-12']);
const RUNS = 30;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export async function run(): Promise<BenchResult[]> {
  const table = await startTestTable();
  try {
    const creator = seedAccounts()[2]!;
    const growth = new SandboxGrowth();
    let now = Date.parse(`${START}T00:05:00Z`);
    growth.enable(now);
    growth.deleteVideo(creator.videos[2]!.id, Date.parse('2024-03-01T00:00:00Z'));
    const deps = { dynamo: table.dynamo, tableName: table.tableName, now: () => now, settings: { checkpointEveryDays: 28, chunkBytes: 300_000 } };
    const source = (): SnapshotSource => {
      const a = growth.apply(creator, now);
      return {
        profile: async () => ({ follower_count: a.user.follower_count, following_count: a.user.following_count, likes_count: a.user.likes_count, video_count: a.user.video_count }),
        videos: async () => a.videos.map((v) => ({ id: v.id, counters: [v.view_count, v.like_count, v.comment_count, v.share_count] as const, title: v.title, createTime: v.create_time })),
      };
    };
    let naiveBytes = 0;
    const captureMs: number[] = [];
    for (let d = 0; d < DAYS; d += 1) {
      now = Date.parse(`${addDays(START, d)}T00:05:00Z`);
      const day = dayOf(now);
      if (GAP.has(day)) continue;
      const t0 = performance.now();
      await captureSnapshot({ tenantId: 'tn_bench', datasourceId: 'ds_bench', day }, source(), deps);
      captureMs.push(performance.now() - t0);
      const a = growth.apply(creator, now);
      const full = encodeFull(new Map(a.videos.map((v) => [v.id, [v.view_count, v.like_count, v.comment_count, v.share_count] as Counters])));
      naiveBytes += full.reduce((s, c) => s + itemSize({ pk: 'DS#ds_bench', sk: `VSNAP#${day}#000000000000#000`, kind: 'full', ...c }), 0);
    }

    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await table.dynamo.send(
        new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DS#ds_bench' }, ExclusiveStartKey: start }),
      );
      items.push(...((res.Items ?? []) as Record<string, unknown>[]));
      start = res.LastEvaluatedKey;
    } while (start);
    const by = (prefix: string, kind?: string) => items.filter((i) => String(i.sk).startsWith(prefix) && (!kind || i.kind === kind));
    const bytes = (xs: Record<string, unknown>[]) => xs.reduce((s, i) => s + itemSize(i), 0);
    const total = bytes(items);
    const markers = by('SNAP#');
    const fulls = by('VSNAP#', 'full');
    const deltas = by('VSNAP#', 'delta');
    const meta = by('VMETA#');
    const maxItem = Math.max(...items.map((i) => itemSize(i)));

    now = Date.parse(`${addDays(START, DAYS - 1)}T12:00:00Z`);
    const latency: BenchResult[] = [];
    let yearDaily: Awaited<ReturnType<typeof computeHistory>> | undefined;
    for (const granularity of ['day', 'week', 'month'] as const) {
      const q: HistoryQuery = { datasourceId: 'ds_bench', from: START, to: addDays(START, DAYS - 1), granularity, metrics: [...HISTORY_METRICS], topVideos: 10 };
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) {
        const t0 = performance.now();
        const h = await computeHistory(q, deps);
        times.push(performance.now() - t0);
        if (granularity === 'day') yearDaily = h;
      }
      latency.push(
        { name: `history report, a year by ${granularity}: p50`, value: round(pct(times, 50)), unit: 'ms', note: `${RUNS} runs, 8 metrics + top 10 videos, embedded DynamoDB` },
        { name: `history report, a year by ${granularity}: p99`, value: round(pct(times, 99)), unit: 'ms' },
      );
    }

    const results: BenchResult[] = [
      {
        name: 'history storage, 437-video account, 1 year',
        value: round(total / 1024),
        unit: 'KiB',
        baseline: { name: 'naive: one full per-video snapshot per day', value: round(naiveBytes / 1024) },
        ratio: round(total / naiveBytes, 3),
        target: '<= 0.25x naive',
        met: total <= 0.25 * naiveBytes,
        note: `${DAYS - GAP.size} days captured (3-day gap), checkpoint every 28 days`,
      },
      { name: 'history items, 437-video account, 1 year', value: items.length, unit: 'items', note: `markers ${markers.length}, full chunks ${fulls.length}, delta chunks ${deltas.length}, title items ${meta.length}` },
      { name: 'history bytes: day markers (profile + totals)', value: round(bytes(markers) / 1024), unit: 'KiB', note: `${round(bytes(markers) / markers.length, 0)} B per day` },
      { name: 'history bytes: full checkpoints', value: round(bytes(fulls) / 1024), unit: 'KiB', note: `${round(bytes(fulls) / Math.max(1, fulls.length) / 1024)} KiB each` },
      { name: 'history bytes: daily deltas', value: round(bytes(deltas) / 1024), unit: 'KiB', note: `${round(bytes(deltas) / Math.max(1, deltas.length), 0)} B per day (60 active videos change daily)` },
      { name: 'history bytes: video titles', value: round(bytes(meta) / 1024), unit: 'KiB' },
      { name: 'history largest item', value: round(maxItem / 1024), unit: 'KiB', target: '< 400 KiB (DynamoDB item limit)', met: maxItem < 400 * 1024 },
      { name: 'snapshot capture (437 videos, DynamoDB part): p50', value: round(pct(captureMs, 50)), unit: 'ms', note: 'TikTok paging excluded' },
      ...latency,
    ];

    // Worst case for the layout: 1,000 videos, every counter of every video changing every day.
    {
      const ids = Array.from({ length: 1000 }, (_, i) => String(7_300_000_000_000_000_000n + BigInt(i) * 1_000_003n));
      let wNow = Date.parse(`${START}T00:05:00Z`);
      const wDeps = { ...deps, now: () => wNow };
      for (let d = 0; d < DAYS; d += 1) {
        wNow = Date.parse(`${addDays(START, d)}T00:05:00Z`);
        const videos = ids.map((id, i) => ({ id, counters: [100_000 + i * 10 + d * (50 + (i % 97)), 5_000 + d * (3 + (i % 7)), 100 + d, 50 + (d >> 1)] as const, title: `Video ${i}` }));
        await captureSnapshot(
          { tenantId: 'tn_bench', datasourceId: 'ds_worst', day: dayOf(wNow) },
          { profile: async () => ({ follower_count: 1000 + d, following_count: 10, likes_count: 5, video_count: 1000 }), videos: async () => videos },
          wDeps,
        );
      }
      const worst: Record<string, unknown>[] = [];
      let s2: Record<string, unknown> | undefined;
      do {
        const res = await table.dynamo.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'DS#ds_worst' }, ExclusiveStartKey: s2 }));
        worst.push(...((res.Items ?? []) as Record<string, unknown>[]));
        s2 = res.LastEvaluatedKey;
      } while (s2);
      const wBytes = worst.reduce((acc, i) => acc + itemSize(i), 0);
      results.push({
        name: 'history storage, 1,000 videos all changing daily, 1 year (worst case)',
        value: round(wBytes / 1024 / 1024, 2),
        unit: 'MiB',
        note: `${worst.length} items, largest ${round(Math.max(...worst.map((i) => itemSize(i))) / 1024)} KiB`,
      });
    }

    // The year as an HTML report (size), and a quarter with the gap as the screenshot (legible at 1280 px).
    const asResult = (h: Awaited<ReturnType<typeof computeHistory>>): ReportResult => ({
      rows: h.periods,
      columns: Object.keys(h.periods[0]!),
      meta: {
        reportType: 'history',
        datasourceId: 'ds_bench',
        fetchedAt: new Date(now).toISOString(),
        pages: 0,
        cursor: null,
        hasMore: false,
        account: { displayName: creator.user.display_name, username: creator.user.username },
        history: { from: h.from, to: h.to, granularity: h.granularity, metrics: h.metrics, topVideos: h.top_videos, topVideosFrom: h.top_videos_from, topVideosTo: h.top_videos_to },
      },
    });
    const html = renderHtml(asResult(yearDaily!)).body;
    results.push({ name: 'history HTML report, a year by day', value: round(Buffer.byteLength(html) / 1024), unit: 'KiB', note: '8 line charts + top videos + 365-row table, self-contained' });
    const quarter = await computeHistory(
      { datasourceId: 'ds_bench', from: '2024-04-01', to: '2024-06-30', granularity: 'day', metrics: ['follower_count', 'following_count', 'likes_count', 'video_views'], topVideos: 10 },
      deps,
    );
    const why = browserUnavailableReason();
    if (why) {
      results.push({ name: 'history HTML screenshot', value: 0, unit: 'bytes', note: `skipped: ${why}` });
    } else {
      const browser = await launchChromium();
      try {
        const guarded = await guardPage(browser, { allowedOrigins: [] });
        await guarded.page.setViewportSize({ width: 1280, height: 900 });
        await guarded.page.setContent(renderHtml(asResult(quarter)).body, { waitUntil: 'load' });
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const file = path.join(SCREENSHOT_DIR, 'history-report-sample.png');
        await guarded.page.screenshot({ path: file });
        results.push({
          name: 'history HTML screenshot (Apr-Jun, 1280x900)',
          value: statSync(file).size,
          unit: 'bytes',
          note: `test-output/screenshots/history-report-sample.png; console errors ${guarded.consoleErrors().length}, blocked requests ${guarded.externalRequests.length}`,
        });
        await guarded.close();
      } finally {
        await browser.close();
      }
    }
    return results;
  } finally {
    await table.close();
  }
}
