/**
 * One datasource-day as lake rows. Pure: the live commit (hook.ts) and the backfill from stored
 * history (from-history.ts) both end here, so a day written either way has the same rows.
 * Deltas follow the history report: the change since the previous calendar day, null when that day
 * has no snapshot (never 0). A video new since yesterday gains its whole count.
 */
import type { ProfileStats } from '../history/store.ts';
import type { Counters } from '../history/videos.ts';
import { PROFILE_METRIC_COLUMNS, VIDEO_COUNTER_COLUMNS, VIDEO_TOTAL_COLUMNS, type DatasetName, type LakeRow } from './schema.ts';

export interface VideoDetails {
  title?: string;
  description?: string;
  duration?: number;
  shareUrl?: string;
  embedLink?: string;
  /** Unix seconds. */
  createTime?: number;
}

export interface DaySnapshot {
  capturedAt: number;
  profile?: ProfileStats;
  /** Present public videos (undefined: no usable per-video data that day). */
  videos?: ReadonlyMap<string, Counters>;
  /** The day's stored video totals and count (the history report's source); else summed from `videos`. */
  totals?: Counters;
  videoCount?: number;
}

export interface AccountInfo {
  datasourceId: string;
  openId?: string;
  displayName?: string;
}

export type DatasetRows = Record<DatasetName, LakeRow[]>;

const sum = (videos: ReadonlyMap<string, Counters>): number[] => {
  const t = [0, 0, 0, 0];
  for (const c of videos.values()) for (let i = 0; i < 4; i += 1) t[i]! += c[i]!;
  return t;
};

const delta = (cur: number | null | undefined, prev: number | null | undefined): number | null =>
  cur === null || cur === undefined || prev === null || prev === undefined ? null : cur - prev;

export function dayRows(account: AccountInfo, today: DaySnapshot, yesterday: DaySnapshot | undefined, details: ReadonlyMap<string, VideoDetails>): DatasetRows {
  const ds = account.datasourceId;
  const profile: LakeRow = {
    datasource_id: ds,
    open_id: account.openId ?? null,
    display_name: account.displayName ?? null,
    captured_at: today.capturedAt,
  };
  for (const c of PROFILE_METRIC_COLUMNS) {
    profile[c] = today.profile?.[c] ?? null;
    profile[`${c}_delta`] = delta(today.profile?.[c], yesterday?.profile?.[c]);
  }
  const totals = today.totals ?? (today.videos ? sum(today.videos) : undefined);
  const prevTotals = yesterday?.totals ?? (yesterday?.videos ? sum(yesterday.videos) : undefined);
  profile.public_videos = today.videoCount ?? today.videos?.size ?? null;
  VIDEO_TOTAL_COLUMNS.forEach((c, i) => {
    profile[c] = totals?.[i] ?? null;
    profile[`${c}_delta`] = delta(totals?.[i], prevTotals?.[i]);
  });

  const videoDaily: LakeRow[] = [];
  const videos: LakeRow[] = [];
  for (const [id, counters] of today.videos ?? []) {
    const d = details.get(id);
    const createTime = d?.createTime !== undefined ? d.createTime * 1000 : null;
    const before = yesterday?.videos ? (yesterday.videos.get(id) ?? [0, 0, 0, 0]) : undefined;
    const row: LakeRow = { datasource_id: ds, video_id: id, create_time: createTime };
    VIDEO_COUNTER_COLUMNS.forEach((c, i) => {
      row[c] = counters[i]!;
      row[`${c}_delta`] = before ? counters[i]! - before[i]! : null;
    });
    videoDaily.push(row);
    videos.push({
      datasource_id: ds,
      video_id: id,
      title: d?.title ?? null,
      description: d?.description ?? null,
      duration: d?.duration ?? null,
      share_url: d?.shareUrl ?? null,
      embed_link: d?.embedLink ?? null,
      create_time: createTime,
    });
  }
  return { profile_daily: [profile], video_daily: videoDaily, videos };
}
