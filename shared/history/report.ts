/**
 * The history report: per-period values and deltas of the account's counters, and the videos that
 * gained the most views, computed from stored snapshots only (no TikTok call).
 *
 * Definitions (README "History report"):
 * - a period's value is the counter on the period's last day with a snapshot (null if none);
 * - its delta is that value minus the previous period's value (for the first period: the day
 *   before `from`), null when either is missing. Missing days are null, never zero;
 * - `complete` says every day of the period and the day before it has a value, in which case the
 *   delta is exactly the sum of the daily deltas.
 */
import { addDays, dayOf, eachDay, periodsCovering, type Day, type Granularity } from './days.ts';
import { videoStateAt, type ReplayedState } from './replay.ts';
import type { HistorySettings } from './settings.ts';
import { queryMarkers, readVideoMeta, type HistoryStoreDeps, type SnapshotMarker } from './store.ts';

export const PROFILE_METRICS = ['follower_count', 'following_count', 'likes_count', 'video_count'] as const;
/** Sums over the account's public videos (TikTok has no account-level view count). */
export const VIDEO_METRICS = ['video_views', 'video_likes', 'video_comments', 'video_shares'] as const;
export const HISTORY_METRICS = [...PROFILE_METRICS, ...VIDEO_METRICS] as const;
export type HistoryMetric = (typeof HISTORY_METRICS)[number];

export interface HistoryQuery {
  datasourceId: string;
  from: Day;
  to: Day;
  granularity: Granularity;
  metrics: readonly HistoryMetric[];
  /** How many top videos (by views gained) to return; 0 skips reading per-video data. */
  topVideos: number;
}

export type PeriodRow = {
  period: string;
  start: Day;
  end: Day;
  days: number;
  days_with_data: number;
  complete: boolean;
} & Record<string, number | string | boolean | null>;

export interface TopVideoRow {
  rank: number;
  id: string;
  title: string | null;
  create_time: number | null;
  views: number;
  views_gained: number;
  likes_gained: number;
  comments_gained: number;
  shares_gained: number;
}

export interface HistoryData {
  from: Day;
  to: Day;
  granularity: Granularity;
  metrics: HistoryMetric[];
  periods: PeriodRow[];
  top_videos: TopVideoRow[];
  /** The exact window the top videos were measured over (null: no per-video data in range). */
  top_videos_from: Day | null;
  top_videos_to: Day | null;
  /** Days in [from, to] with a snapshot, and the first one. */
  days_with_data: number;
  first_snapshot: Day | null;
}

export interface HistoryDeps extends HistoryStoreDeps {
  settings: HistorySettings;
}

export function metricValue(marker: SnapshotMarker | undefined, metric: HistoryMetric): number | null {
  if (!marker) return null;
  const p = PROFILE_METRICS.indexOf(metric as (typeof PROFILE_METRICS)[number]);
  if (p >= 0) return marker.profile ? marker.profile[PROFILE_METRICS[p]!] : null;
  const v = VIDEO_METRICS.indexOf(metric as (typeof VIDEO_METRICS)[number]);
  return marker.videoTotals ? marker.videoTotals[v]! : null;
}

export async function computeHistory(q: HistoryQuery, deps: HistoryDeps): Promise<HistoryData> {
  const today = dayOf(deps.now());
  // With a retention, checkpoint days outlive it by design (their chain needs them): hide them anyway.
  const oldest = deps.settings.retentionDays === undefined ? undefined : addDays(today, -deps.settings.retentionDays + 1);
  const markers = (await queryMarkers(deps, q.datasourceId, addDays(q.from, -1), q.to)).filter((m) => !oldest || m.day >= oldest);
  const byDay = new Map(markers.map((m) => [m.day, m]));
  const value = (day: Day, metric: HistoryMetric) => metricValue(byDay.get(day), metric);

  const periods: PeriodRow[] = [];
  let prevDays: Day[] = [addDays(q.from, -1)];
  for (const p of periodsCovering(q.from, q.to, q.granularity)) {
    const start = p.start < q.from ? q.from : p.start;
    const end = p.end > q.to ? q.to : p.end;
    const days = eachDay(start, end);
    const row: PeriodRow = {
      period: p.label,
      start,
      end,
      days: days.length,
      days_with_data: days.filter((d) => byDay.has(d)).length,
      complete: true,
    };
    for (const metric of q.metrics) {
      const last = lastValue(days, (d) => value(d, metric));
      const before = lastValue(prevDays, (d) => value(d, metric));
      row[metric] = last;
      row[`${metric}_delta`] = last !== null && before !== null ? last - before : null;
      if (value(addDays(start, -1), metric) === null || days.some((d) => value(d, metric) === null)) row.complete = false;
    }
    periods.push(row);
    prevDays = days;
  }

  const top = q.topVideos > 0 ? await topVideos(q, markers, deps) : { rows: [], from: null, to: null };
  const inRange = markers.filter((m) => m.day >= q.from);
  return {
    from: q.from,
    to: q.to,
    granularity: q.granularity,
    metrics: [...q.metrics],
    periods,
    top_videos: top.rows,
    top_videos_from: top.from,
    top_videos_to: top.to,
    days_with_data: inRange.length,
    first_snapshot: inRange[0]?.day ?? null,
  };
}

function lastValue(days: readonly Day[], get: (d: Day) => number | null): number | null {
  for (let i = days.length - 1; i >= 0; i -= 1) {
    const v = get(days[i]!);
    if (v !== null) return v;
  }
  return null;
}

/**
 * Views gained per video between the day before `from` (or, when history starts inside the range,
 * its first day) and the last day with per-video data up to `to`. Videos gone by then are not ranked.
 */
async function topVideos(
  q: HistoryQuery,
  markers: readonly SnapshotMarker[],
  deps: HistoryDeps,
): Promise<{ rows: TopVideoRow[]; from: Day | null; to: Day | null }> {
  const withVideos = markers.filter((m) => m.videoKind !== 'none');
  if (withVideos.length === 0) return { rows: [], from: null, to: null };
  const dayBefore = addDays(q.from, -1);
  const baselineDay = withVideos[0]!.day === dayBefore ? dayBefore : withVideos.find((m) => m.day >= q.from)?.day;
  if (!baselineDay) return { rows: [], from: null, to: null };
  const [base, end, meta] = await Promise.all([
    videoStateAt(deps, q.datasourceId, baselineDay),
    videoStateAt(deps, q.datasourceId, q.to),
    readVideoMeta(deps, q.datasourceId),
  ]);
  if (!usable(base, baselineDay) || !end || end.day < baselineDay) return { rows: [], from: null, to: null };
  const titles = new Map<string, { title: string; createTime?: number }>();
  for (const c of meta) for (const [id, e] of Object.entries(c.entries)) titles.set(id, e);
  const rows: Omit<TopVideoRow, 'rank'>[] = [];
  for (const [id, c] of end.state.present()) {
    const b = base!.state.get(id) ?? [0, 0, 0, 0];
    const t = titles.get(id);
    rows.push({
      id,
      title: t?.title ?? null,
      create_time: t?.createTime ?? null,
      views: c[0],
      views_gained: c[0] - b[0],
      likes_gained: c[1] - b[1],
      comments_gained: c[2] - b[2],
      shares_gained: c[3] - b[3],
    });
  }
  rows.sort((a, b) => b.views_gained - a.views_gained || (a.id < b.id ? -1 : 1));
  return { rows: rows.slice(0, q.topVideos).map((r, i) => ({ rank: i + 1, ...r })), from: baselineDay, to: end.day };
}

function usable(s: ReplayedState | undefined, day: Day): boolean {
  return s !== undefined && s.day === day;
}
