/**
 * Snapshot items in the single table, all in the datasource's partition `DS#<id>`:
 *
 * - `SNAP#<day>`: the day's marker, written last and only once (conditional put): profile stats,
 *   video totals, and which per-video chunks belong to the day (`att` = the capture attempt).
 *   A day without a marker has no snapshot, whatever else exists.
 * - `VSNAP#<day>#<att>#<n>`: per-video chunks (a full checkpoint or a delta). Keyed by attempt, so a
 *   retried capture never overwrites chunks a committed marker points at.
 * - `VMETA#<n>`: video titles and creation times (only rewritten when they change).
 *
 * Items carry `ttl` when a retention is set; DynamoDB deletes late (the local store never), so
 * every read here drops expired items itself.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/conditional-write.ts';
import { keys, type ClockedTableDeps } from '../store/table.ts';
import type { Day } from './days.ts';
import type { Counters, DeltaChunk, FullChunk } from './videos.ts';

/** `now` filters by TTL. */
export type HistoryStoreDeps = ClockedTableDeps;

export interface ProfileStats {
  follower_count: number;
  following_count: number;
  likes_count: number;
  video_count: number;
}

export type VideoKind = 'full' | 'delta' | 'none';

export interface SnapshotMarker {
  datasourceId: string;
  day: Day;
  capturedAt: number;
  /** Missing when the profile stats scope was not granted. */
  profile?: ProfileStats;
  videoKind: VideoKind;
  /** For a delta: the stored day it differs from. */
  videoPrev?: Day;
  attempt?: string;
  videoChunks: number;
  /** Present videos and their summed counters (for `videoKind` full/delta). */
  videoCount?: number;
  videoTotals?: Counters;
  ttl?: number;
}

export interface VideoMetaEntry {
  title: string;
  createTime?: number;
}

const ds = (datasourceId: string) => `DS#${datasourceId}`;

function alive(item: Record<string, unknown>, nowMs: number): boolean {
  return typeof item.ttl !== 'number' || item.ttl > Math.floor(nowMs / 1000);
}

function toMarker(item: Record<string, unknown>): SnapshotMarker {
  const p = item.p as number[] | undefined;
  return {
    datasourceId: item.datasourceId as string,
    day: item.day as string,
    capturedAt: item.capturedAt as number,
    profile: p ? { follower_count: p[0]!, following_count: p[1]!, likes_count: p[2]!, video_count: p[3]! } : undefined,
    videoKind: item.vk as VideoKind,
    videoPrev: item.vprev as string | undefined,
    attempt: item.att as string | undefined,
    videoChunks: (item.vn as number | undefined) ?? 0,
    videoCount: item.vc as number | undefined,
    videoTotals: item.vt as Counters | undefined,
    ttl: item.ttl as number | undefined,
  };
}

function fromMarker(tenantId: string, m: SnapshotMarker): Record<string, unknown> {
  return {
    ...keys.snapshot(m.datasourceId, m.day),
    type: 'snapshot',
    tenantId,
    datasourceId: m.datasourceId,
    day: m.day,
    capturedAt: m.capturedAt,
    ...(m.profile ? { p: [m.profile.follower_count, m.profile.following_count, m.profile.likes_count, m.profile.video_count] } : {}),
    vk: m.videoKind,
    ...(m.videoPrev ? { vprev: m.videoPrev } : {}),
    ...(m.attempt ? { att: m.attempt } : {}),
    vn: m.videoChunks,
    ...(m.videoCount !== undefined ? { vc: m.videoCount } : {}),
    ...(m.videoTotals ? { vt: [...m.videoTotals] } : {}),
    ...(m.ttl !== undefined ? { ttl: m.ttl } : {}),
  };
}

async function queryAll(deps: HistoryStoreDeps, input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.dynamo.send(new QueryCommand({ ...input, TableName: deps.tableName, ExclusiveStartKey: start }));
    out.push(...((res.Items ?? []) as Record<string, unknown>[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

export async function getMarker(deps: HistoryStoreDeps, datasourceId: string, day: Day): Promise<SnapshotMarker | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: keys.snapshot(datasourceId, day), ConsistentRead: true }));
  return res.Item && alive(res.Item, deps.now()) ? toMarker(res.Item) : undefined;
}

/** Markers of the days in [from, to], ascending. */
export async function queryMarkers(deps: HistoryStoreDeps, datasourceId: string, from: Day, to: Day): Promise<SnapshotMarker[]> {
  const items = await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': ds(datasourceId), ':a': `SNAP#${from}`, ':b': `SNAP#${to}` },
  });
  const now = deps.now();
  return items.filter((i) => alive(i, now)).map(toMarker);
}

/**
 * Markers with per-video data on or before `day`, newest first, back to and including the first
 * full checkpoint met (or to the beginning of history).
 */
export async function markersBackToCheckpoint(deps: HistoryStoreDeps, datasourceId: string, day: Day): Promise<SnapshotMarker[]> {
  const out: SnapshotMarker[] = [];
  let start: Record<string, unknown> | undefined;
  const now = deps.now();
  do {
    const res = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':pk': ds(datasourceId), ':a': 'SNAP#', ':b': `SNAP#${day}` },
        ScanIndexForward: false,
        Limit: 32,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of (res.Items ?? []) as Record<string, unknown>[]) {
      if (!alive(item, now)) continue;
      const m = toMarker(item);
      if (m.videoKind === 'none') continue;
      out.push(m);
      if (m.videoKind === 'full') return out;
    }
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

export type VideoChunk = FullChunk | DeltaChunk;

/** Per-video chunks of the days in [from, to], grouped by `<day>#<attempt>`, chunks in order. */
export async function queryVideoChunks(deps: HistoryStoreDeps, datasourceId: string, from: Day, to: Day): Promise<Map<string, VideoChunk[]>> {
  const items = await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :a AND :b',
    ExpressionAttributeValues: { ':pk': ds(datasourceId), ':a': `VSNAP#${from}#`, ':b': `VSNAP#${to}#~` },
  });
  const now = deps.now();
  const out = new Map<string, VideoChunk[]>();
  for (const item of items) {
    if (!alive(item, now)) continue;
    const [, day, attempt] = String(item.sk).split('#');
    const key = `${day}#${attempt}`;
    const list = out.get(key) ?? [];
    list.push(toChunk(item));
    out.set(key, list);
  }
  return out;
}

function toChunk(item: Record<string, unknown>): VideoChunk {
  const chunk: Record<string, unknown> = {};
  for (const k of ['ids', 'data', 'newIds', 'gone'] as const) if (item[k] !== undefined) chunk[k] = item[k];
  if (item.kind === 'full') {
    chunk.ids ??= '';
    chunk.data ??= new Uint8Array();
  }
  return chunk as unknown as VideoChunk;
}

export async function putVideoChunks(
  deps: HistoryStoreDeps,
  datasourceId: string,
  day: Day,
  attempt: string,
  kind: 'full' | 'delta',
  chunks: readonly VideoChunk[],
  ttl: number | undefined,
): Promise<number> {
  let bytes = 0;
  for (const [n, chunk] of chunks.entries()) {
    const item: Record<string, unknown> = { ...keys.snapshotVideos(datasourceId, day, attempt, n), kind };
    for (const [k, v] of Object.entries(chunk)) {
      // DynamoDB rejects empty binary/string values in some stores; an absent attribute means empty.
      if (v !== undefined && (typeof v === 'string' ? v.length > 0 : (v as Uint8Array).length > 0)) item[k] = v;
    }
    if (ttl !== undefined) item.ttl = ttl;
    bytes += itemSize(item);
    await deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: item }));
  }
  return bytes;
}

export async function deleteVideoChunks(deps: HistoryStoreDeps, datasourceId: string, day: Day, attempt: string, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    await deps.dynamo.send(new DeleteCommand({ TableName: deps.tableName, Key: keys.snapshotVideos(datasourceId, day, attempt, n) }));
  }
}

/** Commits the day: false when another capture committed it first (the day is then left as it is). */
export async function putMarkerOnce(deps: HistoryStoreDeps, tenantId: string, marker: SnapshotMarker): Promise<{ committed: boolean; bytes: number }> {
  const item = fromMarker(tenantId, marker);
  try {
    await deps.dynamo.send(
      new PutCommand({ TableName: deps.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return { committed: true, bytes: itemSize(item) };
  } catch (err) {
    if (isConditionFailed(err)) return { committed: false, bytes: 0 };
    throw err;
  }
}

// ---- titles -----------------------------------------------------------------------------------

export interface MetaChunk {
  n: number;
  entries: Record<string, VideoMetaEntry>;
}

export async function readVideoMeta(deps: HistoryStoreDeps, datasourceId: string): Promise<MetaChunk[]> {
  const items = await queryAll(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': ds(datasourceId), ':p': 'VMETA#' },
  });
  return items.map((i) => {
    const raw = (i.m ?? {}) as Record<string, [string, number?]>;
    const entries: Record<string, VideoMetaEntry> = {};
    for (const [id, [title, createTime]] of Object.entries(raw)) entries[id] = { title, ...(createTime !== undefined ? { createTime } : {}) };
    return { n: Number(String(i.sk).slice('VMETA#'.length)), entries };
  });
}

export async function putVideoMeta(deps: HistoryStoreDeps, datasourceId: string, chunk: MetaChunk): Promise<number> {
  const m: Record<string, unknown[]> = {};
  for (const [id, e] of Object.entries(chunk.entries)) m[id] = e.createTime !== undefined ? [e.title, e.createTime] : [e.title];
  const item = { ...keys.videoMeta(datasourceId, chunk.n), type: 'videoMeta', m };
  await deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: item }));
  return itemSize(item);
}

/**
 * DynamoDB's item size rule, approximately: attribute names plus values (strings as UTF-8, binary as
 * bytes, numbers ~ 1 byte per 2 digits + 1, 3 bytes per list/map plus 1 per element). Used for the
 * chunk budget check and the storage figures; DynamoDB is the final judge of the 400 KB limit.
 */
export function itemSize(value: unknown, name = ''): number {
  const n = Buffer.byteLength(name);
  if (value === undefined || value === null) return n + 1;
  if (typeof value === 'string') return n + Buffer.byteLength(value);
  if (typeof value === 'number') return n + Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (typeof value === 'boolean') return n + 1;
  if (value instanceof Uint8Array) return n + value.length;
  if (Array.isArray(value)) return n + 3 + value.reduce((s: number, v) => s + 1 + itemSize(v), 0);
  return n + 3 + Object.entries(value as Record<string, unknown>).reduce((s, [k, v]) => s + 1 + itemSize(v, k), 0);
}
