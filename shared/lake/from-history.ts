/**
 * Lake rows from the stored history (the backfill, and the live commit's previous day): markers for
 * the profile and totals, the video chain (checkpoint + deltas) replayed forward once over the whole
 * range, titles from the history's video metadata. The replay follows replay.ts: a day whose chain
 * link is broken has no per-video rows (never invented numbers).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { recordFromItem } from '../datasources/model.ts';
import { addDays, type Day } from '../history/days.ts';
import { markersBackToCheckpoint, queryMarkers, queryVideoChunks, readVideoMeta, type HistoryStoreDeps, type SnapshotMarker, type VideoChunk } from '../history/store.ts';
import { applyDelta, decodeDelta, decodeFull, type Counters, type DeltaChunk, type FullChunk, type VideoState } from '../history/videos.ts';
import { keys } from '../store/table.ts';
import type { AccountInfo, DaySnapshot, VideoDetails } from './rows.ts';

export async function accountInfo(deps: HistoryStoreDeps, tenantId: string, datasourceId: string): Promise<AccountInfo> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: keys.datasource(tenantId, datasourceId) }));
  if (!res.Item) return { datasourceId };
  const r = recordFromItem(res.Item);
  return { datasourceId, ...(r.openId ? { openId: r.openId } : {}), ...(r.displayName ? { displayName: r.displayName } : {}) };
}

/** Snapshots of the days in [from, to] that have one (keyed by day). */
export async function snapshotsFromHistory(deps: HistoryStoreDeps, datasourceId: string, from: Day, to: Day): Promise<Map<Day, DaySnapshot>> {
  const markers = await queryMarkers(deps, datasourceId, from, to);
  const out = new Map<Day, DaySnapshot>();
  for (const m of markers) {
    out.set(m.day, {
      capturedAt: m.capturedAt,
      ...(m.profile ? { profile: m.profile } : {}),
      ...(m.videoTotals ? { totals: m.videoTotals } : {}),
      ...(m.videoCount !== undefined ? { videoCount: m.videoCount } : {}),
    });
  }
  // The video chain: back to the checkpoint before `from`, then forward through the range.
  const before = (await markersBackToCheckpoint(deps, datasourceId, addDays(from, -1))).reverse();
  const chain: SnapshotMarker[] = [...before, ...markers.filter((m) => m.videoKind !== 'none')];
  if (chain.length === 0) return out;
  const chunks = await queryVideoChunks(deps, datasourceId, chain[0]!.day, to);
  const chunksOf = (m: SnapshotMarker): VideoChunk[] | undefined => {
    const c = chunks.get(`${m.day}#${m.attempt}`);
    return c && c.length === m.videoChunks ? c : undefined;
  };
  let state: VideoState | undefined;
  let good: Day | undefined;
  for (const m of chain) {
    const c = chunksOf(m);
    if (m.videoKind === 'full') {
      state = c ? decodeFull(c as FullChunk[]) : undefined;
      good = c ? m.day : undefined;
    } else if (state && c && m.videoPrev === good) {
      applyDelta(state, decodeDelta(c as DeltaChunk[]));
      good = m.day;
    } else continue;
    const snap = out.get(m.day);
    if (snap && state && good === m.day) snap.videos = new Map<string, Counters>(state.present());
  }
  return out;
}

/** Titles and creation times the history keeps (the latest known, per video). */
export async function detailsFromHistory(deps: HistoryStoreDeps, datasourceId: string): Promise<Map<string, VideoDetails>> {
  const out = new Map<string, VideoDetails>();
  for (const chunk of await readVideoMeta(deps, datasourceId)) {
    for (const [id, e] of Object.entries(chunk.entries)) out.set(id, { title: e.title, ...(e.createTime !== undefined ? { createTime: e.createTime } : {}) });
  }
  return out;
}

