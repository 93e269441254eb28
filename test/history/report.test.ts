import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureSnapshot } from '../../shared/history/capture.ts';
import { addDays, dayOf, eachDay, periodsCovering } from '../../shared/history/days.ts';
import { computeHistory, HISTORY_METRICS, type HistoryQuery } from '../../shared/history/report.ts';
import type { Counters } from '../../shared/history/videos.ts';
import { captureDeps, fakeSource, startTestTable, testClock, type TestTable } from './support.ts';

let table: TestTable;
const clock = testClock('2024-01-29T00:30:00Z'); // a Monday
const missing = new Set(['2024-02-14', '2024-02-15', '2024-02-16']);
/** Followers on day i (0 = 2024-01-29): grows by 10 + (i mod 4), drops by 5 every 9th day. */
const followers = (i: number) => {
  let f = 1000;
  for (let k = 1; k <= i; k += 1) f += k % 9 === 0 ? -5 : 10 + (k % 4);
  return f;
};
const FIRST = '2024-01-29';
const LAST = '2024-03-31';

beforeAll(async () => {
  table = await startTestTable();
  const deps = captureDeps(table, clock.now, { checkpointEveryDays: 10 });
  const { state, source } = fakeSource({});
  for (let i = 0; addDays(FIRST, i) <= LAST; i += 1) {
    const day = dayOf(clock.now());
    const videos: Array<[string, Counters, string]> = [
      ['1000000000000000001', [100 + 50 * i, 10 + i, 1, 0], 'steady <script>alert(1)</script>'],
      ['1000000000000000002', [5000 + (i > 20 ? 400 * (i - 20) : 0), 200, 5, 2], 'late bloomer'],
    ];
    if (i >= 30) videos.push(['1000000000000000003', [30 * (i - 30), 0, 0, 0], 'new in March']);
    state.profile = { follower_count: followers(i), following_count: 50, likes_count: 1000 + i, video_count: videos.length };
    state.videos = videos;
    if (!missing.has(day)) await captureSnapshot({ tenantId: 't', datasourceId: 'ds_r', day }, source, deps);
    clock.advanceDays(1);
  }
}, 60_000);
afterAll(async () => {
  await table.close();
});

const query = (q: Partial<HistoryQuery>): HistoryQuery => ({
  datasourceId: 'ds_r',
  from: '2024-02-01',
  to: '2024-02-29',
  granularity: 'day',
  metrics: ['follower_count', 'video_views'],
  topVideos: 5,
  ...q,
});
const deps = () => ({ dynamo: table.dynamo, tableName: table.tableName, now: clock.now, settings: { checkpointEveryDays: 10, chunkBytes: 300_000 } });
const idx = (day: string) => eachDay(FIRST, day).length - 1;

describe('computeHistory', () => {
  it('daily values and deltas match the known series; missing days are null, never zero', async () => {
    const h = await computeHistory(query({}), deps());
    expect(h.periods.map((p) => p.period)).toEqual(eachDay('2024-02-01', '2024-02-29'));
    for (const row of h.periods) {
      const i = idx(row.start);
      const gap = missing.has(row.start);
      expect(row.follower_count).toBe(gap ? null : followers(i));
      const prevGap = missing.has(addDays(row.start, -1));
      expect(row.follower_count_delta).toBe(gap || prevGap ? null : followers(i) - followers(i - 1));
      expect(row.complete).toBe(!gap && !prevGap);
      expect(row.days_with_data).toBe(gap ? 0 : 1);
    }
    const feb13 = h.periods.find((p) => p.start === '2024-02-13')!;
    expect(idx('2024-02-13')).toBe(15); // before the late bloomer takes off on day 21
    expect(feb13.video_views).toBe(100 + 50 * 15 + 5000);
    expect(h.periods.find((p) => p.start === '2024-02-17')!.follower_count_delta).toBeNull();
    expect(h.days_with_data).toBe(29 - 3);
  });

  it('week and month roll-ups equal the sums of their days when complete, and span gaps honestly when not', async () => {
    const days = await computeHistory(query({ from: '2024-01-30', to: '2024-03-31', metrics: [...HISTORY_METRICS] }), deps());
    for (const granularity of ['week', 'month'] as const) {
      const rolled = await computeHistory(query({ from: '2024-01-30', to: '2024-03-31', granularity, metrics: [...HISTORY_METRICS] }), deps());
      expect(rolled.periods.map((p) => p.period)).toEqual(periodsCovering('2024-01-30', '2024-03-31', granularity).map((p) => p.label));
      for (const row of rolled.periods) {
        const inside = days.periods.filter((d) => d.start >= row.start && d.start <= row.end);
        expect(inside).toHaveLength(row.days);
        for (const m of HISTORY_METRICS) {
          const dayDeltas = inside.map((d) => d[`${m}_delta`] as number | null);
          if (row.complete) expect(row[`${m}_delta`]).toBe(dayDeltas.reduce((s: number, v) => s + v!, 0));
          const lastWithData = inside.filter((d) => d[m] !== null).at(-1);
          expect(row[m]).toBe(lastWithData ? lastWithData[m] : null);
        }
      }
      const incomplete = rolled.periods.filter((p) => !p.complete).map((p) => p.period);
      expect(incomplete).toEqual(granularity === 'week' ? ['2024-W07'] : ['2024-02']);
      // February spans the gap: its delta is still the true change over the month.
      if (granularity === 'month') {
        expect(rolled.periods[1]!.follower_count_delta).toBe(followers(idx('2024-02-29')) - followers(idx('2024-01-31')));
        expect(rolled.periods[0]).toMatchObject({ period: '2024-01', start: '2024-01-30', end: '2024-01-31', days: 2 });
      }
    }
  });

  it('ranks the top videos by views gained over the period, titles kept as user content', async () => {
    const h = await computeHistory(query({ from: '2024-03-01', to: '2024-03-10' }), deps());
    expect(h.top_videos_from).toBe('2024-02-29');
    expect(h.top_videos_to).toBe('2024-03-10');
    const span = idx('2024-03-10') - idx('2024-02-29');
    expect(h.top_videos.map((v) => [v.rank, v.id, v.views_gained])).toEqual([
      [1, '1000000000000000002', 400 * span],
      [2, '1000000000000000001', 50 * span],
      // posted on 2024-02-28: gains are counted from the baseline day, when it already had 30 views
      [3, '1000000000000000003', 30 * span],
    ]);
    expect(h.top_videos.find((v) => v.id === '1000000000000000001')!.title).toBe('steady <script>alert(1)</script>');
    const limited = await computeHistory(query({ from: '2024-03-01', to: '2024-03-10', topVideos: 1 }), deps());
    expect(limited.top_videos).toHaveLength(1);
    const none = await computeHistory(query({ topVideos: 0 }), deps());
    expect(none.top_videos).toEqual([]);
  });

  it('starts the top-video window at the first snapshot when history begins inside the range, and is empty before history', async () => {
    const h = await computeHistory(query({ from: '2024-01-01', to: '2024-01-31' }), deps());
    expect(h.first_snapshot).toBe(FIRST);
    expect(h.top_videos_from).toBe(FIRST);
    expect(h.periods.filter((p) => p.follower_count !== null).map((p) => p.start)).toEqual(eachDay(FIRST, '2024-01-31'));
    const before = await computeHistory(query({ from: '2023-01-01', to: '2023-01-31' }), deps());
    expect(before.top_videos).toEqual([]);
    expect(before.periods.every((p) => p.follower_count === null && p.follower_count_delta === null)).toBe(true);
  });
});
