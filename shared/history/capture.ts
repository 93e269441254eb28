/**
 * One datasource's snapshot of one day: profile stats and every public video's counters, stored
 * as a delta from the previous stored day (or a full checkpoint when there is none, the chain is
 * too long, or it cannot be replayed). Idempotent per day: the day's marker is a conditional put
 * written after its chunks, so a retried or duplicated capture commits at most once.
 */
import { randomUUID } from 'node:crypto';
import { addDays, dayOf, dayStartMs, daysBetween, type Day } from './days.ts';
import { videoStateAt } from './replay.ts';
import type { HistorySettings } from './settings.ts';
import {
  deleteVideoChunks,
  getMarker,
  putMarkerOnce,
  putVideoChunks,
  putVideoMeta,
  readVideoMeta,
  type HistoryStoreDeps,
  type MetaChunk,
  type ProfileStats,
  type SnapshotMarker,
  type VideoChunk,
} from './store.ts';
import { assertVideoId, diffVideos, encodeDelta, encodeFull, totals, type Counters } from './videos.ts';

export interface CapturedVideo {
  id: string;
  counters: Counters;
  title: string;
  /** Unix seconds. */
  createTime?: number;
}

/** Where a capture reads the account from (TikTok through the token vault, or a test double). */
export interface SnapshotSource {
  /** undefined: the stats scope was not granted. */
  profile(): Promise<ProfileStats | undefined>;
  /** Every public video; undefined: the video.list scope was not granted. */
  videos(): Promise<CapturedVideo[] | undefined>;
}

export interface CaptureDeps extends HistoryStoreDeps {
  settings: HistorySettings;
  attemptId?: () => string;
}

export interface CaptureTarget {
  tenantId: string;
  datasourceId: string;
  day: Day;
}

export interface CaptureResult {
  /** `exists`: the day was already committed; `expired`: the day is over, a late capture would mislabel today's numbers. */
  status: 'captured' | 'exists' | 'expired';
  day: Day;
  videoKind?: SnapshotMarker['videoKind'];
  videos?: number;
  items?: number;
  bytes?: number;
}

const TITLE_MAX = 150;
const META_CHUNK_BYTES = 300_000;

export function ttlFor(day: Day, settings: HistorySettings, extraDays = 0): number | undefined {
  if (settings.retentionDays === undefined) return undefined;
  return Math.floor(dayStartMs(addDays(day, settings.retentionDays + extraDays)) / 1000);
}

export async function captureSnapshot(target: CaptureTarget, source: SnapshotSource, deps: CaptureDeps): Promise<CaptureResult> {
  const { tenantId, datasourceId, day } = target;
  if (dayOf(deps.now()) !== day) return { status: 'expired', day };
  if (await getMarker(deps, datasourceId, day)) return { status: 'exists', day };

  const [profile, videoList] = await Promise.all([source.profile(), source.videos()]);
  const capturedAt = deps.now();
  const attempt = (deps.attemptId ?? randomUUID)().replaceAll('-', '').slice(0, 12);
  const marker: SnapshotMarker = { datasourceId, day, capturedAt, profile, videoKind: 'none', videoChunks: 0, ttl: ttlFor(day, deps.settings) };

  let written: { kind: 'full' | 'delta'; chunks: VideoChunk[] } | undefined;
  let bytes = 0;
  let videos: Map<string, CapturedVideo> | undefined;
  if (videoList) {
    videos = new Map();
    // A video posted while paging can shift a page boundary and show up twice: keep the first.
    for (const v of videoList) if (!videos.has(v.id)) {
      assertVideoId(v.id);
      videos.set(v.id, v);
    }
    const current = new Map<string, Counters>([...videos].map(([id, v]) => [id, v.counters]));
    const prev = await videoStateAt(deps, datasourceId, addDays(day, -1));
    const fresh = !prev || daysBetween(prev.checkpointDay, day) >= deps.settings.checkpointEveryDays;
    written = fresh
      ? { kind: 'full', chunks: encodeFull(current, deps.settings.chunkBytes) }
      : { kind: 'delta', chunks: encodeDelta(diffVideos(prev.state, current), deps.settings.chunkBytes) };
    // A checkpoint must outlive the deltas that depend on it.
    const ttl = ttlFor(day, deps.settings, written.kind === 'full' ? deps.settings.checkpointEveryDays : 0);
    bytes += await putVideoChunks(deps, datasourceId, day, attempt, written.kind, written.chunks, ttl);
    Object.assign(marker, {
      videoKind: written.kind,
      videoPrev: written.kind === 'delta' ? prev!.day : undefined,
      attempt,
      videoChunks: written.chunks.length,
      videoCount: current.size,
      videoTotals: totals(current.values()),
      ttl: ttlFor(day, deps.settings, written.kind === 'full' ? deps.settings.checkpointEveryDays : 0),
    });
  }

  const commit = await putMarkerOnce(deps, tenantId, marker);
  if (!commit.committed) {
    if (written) await deleteVideoChunks(deps, datasourceId, day, attempt, written.chunks.length);
    return { status: 'exists', day };
  }
  bytes += commit.bytes;
  let items = 1 + (written?.chunks.length ?? 0);
  if (videos) {
    const meta = await updateVideoMeta(deps, datasourceId, videos);
    items += meta.items;
    bytes += meta.bytes;
  }
  return { status: 'captured', day, videoKind: marker.videoKind, videos: videos?.size, items, bytes };
}

/** Titles for the report's top videos: written only for new videos and changed titles. */
async function updateVideoMeta(deps: HistoryStoreDeps, datasourceId: string, videos: Map<string, CapturedVideo>): Promise<{ items: number; bytes: number }> {
  const chunks: MetaChunk[] = await readVideoMeta(deps, datasourceId);
  const where = new Map<string, MetaChunk>();
  for (const c of chunks) for (const id of Object.keys(c.entries)) where.set(id, c);
  const dirty = new Set<MetaChunk>();
  let last = chunks[chunks.length - 1];
  let lastSize = last ? Buffer.byteLength(JSON.stringify(last.entries)) : 0;
  for (const v of videos.values()) {
    const title = v.title.slice(0, TITLE_MAX);
    const known = where.get(v.id);
    if (known) {
      const e = known.entries[v.id]!;
      if (e.title !== title) {
        known.entries[v.id] = { title, createTime: v.createTime ?? e.createTime };
        dirty.add(known);
      }
      continue;
    }
    const cost = Buffer.byteLength(JSON.stringify([v.id, title, v.createTime ?? 0])) + 4;
    if (!last || lastSize + cost > META_CHUNK_BYTES) {
      last = { n: (last?.n ?? -1) + 1, entries: {} };
      chunks.push(last);
      lastSize = 0;
    }
    last.entries[v.id] = { title, ...(v.createTime !== undefined ? { createTime: v.createTime } : {}) };
    lastSize += cost;
    where.set(v.id, last);
    dirty.add(last);
  }
  let bytes = 0;
  for (const c of dirty) bytes += await putVideoMeta(deps, datasourceId, c);
  return { items: dirty.size, bytes };
}
