/**
 * What the HTML page shows, derived from a report result: title, account, period, charts, table.
 * Charts follow the data, so every report type (and any Cloud9QL reshaping) gets the ones that fit:
 * - history: one line chart per metric over the periods, and the top videos by views gained;
 * - any rows with a day column (`start`, `day`, `date`) and numeric columns: line charts;
 * - rows with `view_count` (video list / query): the top videos by views.
 */
import { flattenRow } from '../report-result/shape.ts';
import type { ReportResult } from '../report-result/types.ts';
import { formatSigned } from './format.ts';
import type { BarChartSpec } from './charts/bar.ts';
import type { LineChartSpec } from './charts/line.ts';

export interface ReportView {
  title: string;
  account: string;
  period: string;
  generatedAt: string;
  lineCharts: LineChartSpec[];
  barCharts: BarChartSpec[];
  columns: string[];
  rows: Record<string, unknown>[];
  notes: string[];
}

/** The account and history details a report may carry in `meta` (see shared/reports/definitions/history.ts). */
interface AccountMeta {
  displayName?: string | null;
  username?: string | null;
  name?: string | null;
}
interface HistoryMeta {
  from: string;
  to: string;
  granularity: string;
  metrics: string[];
  topVideos: Array<{ id: string; title: string | null; views_gained: number }>;
  topVideosFrom: string | null;
  topVideosTo: string | null;
}

const TITLES: Record<string, string> = {
  profile: 'Profile & Stats',
  'video-list': 'Video List',
  'video-query': 'Video Query',
  history: 'Growth history',
};

export const METRIC_LABELS: Record<string, string> = {
  follower_count: 'Followers',
  following_count: 'Following',
  likes_count: 'Likes received',
  video_count: 'Public videos',
  video_views: 'Views (all videos)',
  video_likes: 'Likes (all videos)',
  video_comments: 'Comments (all videos)',
  video_shares: 'Shares (all videos)',
  view_count: 'Views',
  like_count: 'Likes',
  comment_count: 'Comments',
  share_count: 'Shares',
};

const DAY_COLUMNS = ['start', 'day', 'date'];
const MAX_LINE_CHARTS = 8;
const TOP_N = 10;
const isDayLike = (v: unknown) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(Date.parse(v.slice(0, 10)));

function accountLabel(result: ReportResult): string {
  const a = (result.meta as { account?: AccountMeta }).account;
  // A profile report's row names the account itself (`display_name`, or `data.user.display_name` with the default query).
  const flat = result.rows[0] ? flattenRow(result.rows[0]) : {};
  const fromRow = (name: string) => {
    const hit = Object.entries(flat).find(([k, v]) => (k === name || k.endsWith(`.${name}`)) && typeof v === 'string' && v !== '');
    return hit ? (hit[1] as string) : undefined;
  };
  const display = a?.displayName ?? a?.name ?? fromRow('display_name');
  const username = a?.username ?? fromRow('username');
  if (display && username) return `${display} (@${username})`;
  if (display) return display;
  if (username) return `@${username}`;
  return `Datasource ${result.meta.datasourceId}`;
}

export function buildView(result: ReportResult): ReportView {
  const history = (result.meta as { history?: HistoryMeta }).history;
  const rows = result.rows;
  const columns = result.columns;
  const view: ReportView = {
    title: `TikTok ${TITLES[result.meta.reportType] ?? result.meta.reportType} report`,
    account: accountLabel(result),
    period: history ? `${history.from} to ${history.to}, by ${history.granularity}` : `As of ${result.meta.fetchedAt.replace('T', ' ').slice(0, 16)} UTC`,
    generatedAt: result.meta.fetchedAt,
    lineCharts: [],
    barCharts: [],
    columns,
    rows,
    notes: [],
  };

  const dayColumn = DAY_COLUMNS.find((c) => columns.includes(c) && rows.length > 0 && rows.every((r) => isDayLike(r[c])));
  if (dayColumn && rows.length >= 1) {
    const metricColumns = (history?.metrics ?? columns).filter(
      (c) => c !== dayColumn && !c.endsWith('_delta') && columns.includes(c) && rows.some((r) => typeof r[c] === 'number') && rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === 'number'),
    ).filter((c) => !['days', 'days_with_data', 'rank'].includes(c));
    for (const metric of metricColumns.slice(0, MAX_LINE_CHARTS)) {
      const points = rows.map((r) => ({ x: String(r[dayColumn]).slice(0, 10), y: typeof r[metric] === 'number' ? (r[metric] as number) : null }));
      const deltas = rows.map((r) => r[`${metric}_delta`]).filter((d): d is number => typeof d === 'number');
      const firstValue = points.find((p) => p.y !== null)?.y;
      const lastValue = [...points].reverse().find((p) => p.y !== null)?.y;
      const subtitle =
        deltas.length > 0
          ? `${formatSigned(deltas.reduce((s, d) => s + d, 0))} over the shown periods`
          : firstValue !== undefined && lastValue !== undefined && firstValue !== null && lastValue !== null
            ? `${formatSigned(lastValue - firstValue)} first to last`
            : undefined;
      view.lineCharts.push({ id: `line-${metric.replace(/[^A-Za-z0-9_-]/g, '_')}`, title: METRIC_LABELS[metric] ?? metric, subtitle, points });
    }
    if (metricColumns.length > MAX_LINE_CHARTS) view.notes.push(`Charts show the first ${MAX_LINE_CHARTS} numeric columns; the table has them all.`);
  }

  if (history) {
    const window = history.topVideosFrom && history.topVideosTo ? `${history.topVideosFrom} to ${history.topVideosTo}` : 'no per-video data in this period';
    view.barCharts.push({
      id: 'bar-top-videos',
      title: 'Top videos by views gained',
      subtitle: window,
      items: history.topVideos.slice(0, TOP_N).map((v) => ({ label: v.title || v.id, value: v.views_gained })),
    });
  } else if (columns.includes('view_count')) {
    const items = rows
      .filter((r) => typeof r.view_count === 'number')
      .map((r) => ({ label: String(r.title || r.video_description || r.id || ''), value: r.view_count as number }))
      .sort((a, b) => b.value - a.value)
      .slice(0, TOP_N);
    if (items.length > 0) view.barCharts.push({ id: 'bar-top-videos', title: 'Top videos by views', subtitle: `${items.length} of ${rows.length}`, items });
  }
  if (rows.some((r) => Object.values(r).some((v) => v === null))) view.notes.push('— marks a missing value (no snapshot that day), which is not the same as zero.');
  return view;
}
