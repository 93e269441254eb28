/**
 * In-memory CaptureStore: the same semantics as the DynamoDB one (conditional writes become
 * compare-and-set on a Map), for the fleet simulation and unit tests. `ops` counts operations like
 * DynamoDB requests, so a simulation can report store load. Committed days keep the profile and the
 * videos as given (no encoding): the simulation checks what was captured, not how it is stored.
 */
import { dayOf, type Day } from './days.ts';
import { captureCalls, captureSlotMs, sizeBucket, stableHash, type DayPlan } from './plan.ts';
import type { CaptureProgress, CaptureStore, DatasourceRef, DueEntry, PartVideo } from './ports.ts';
import type { ProfileStats } from './store.ts';

export const MEMORY_SHARDS = [0, 1, 2, 3] as const;

interface StoredDue {
  tenantId: string;
  datasourceId: string;
  day: Day;
  dueAt: number;
  leaseUntil?: number;
  videoCount: number;
  lostDays: number;
  lastLost?: { day: Day; reason: string };
  leases: number;
}

export interface MemoryDay {
  profile?: ProfileStats;
  videos?: PartVideo[];
  /** Videos in the day (also when the videos themselves are not kept). */
  videoCount?: number;
  capturedAt: number;
}

export interface MemoryCaptureStore extends CaptureStore {
  readonly entries: Map<string, StoredDue>;
  readonly committed: Map<string, MemoryDay>;
  readonly progressItems: Map<string, CaptureProgress>;
  readonly partItems: Map<string, PartVideo[]>;
  readonly plans: Map<Day, DayPlan>;
  ops: { reads: number; writes: number; itemsRead: number };
  /** Seeds an entry without planning it (simulation setup). */
  seed(ref: DatasourceRef, nowMs: number, videoCount: number): void;
}

const dayKey = (datasourceId: string, day: Day) => `${datasourceId}|${day}`;

/** Every field set, in one order: entries keep one hidden class, so the due scan stays fast (~10x, measured). */
const newEntry = (ref: DatasourceRef, day: Day, dueAt: number, videoCount: number): StoredDue => ({
  tenantId: ref.tenantId,
  datasourceId: ref.datasourceId,
  day,
  dueAt,
  leaseUntil: undefined,
  videoCount,
  lostDays: 0,
  lastLost: undefined,
  leases: 0,
});

/**
 * `keepVideos: false` keeps only each day's video count: a fleet simulation of 100,000 accounts would
 * otherwise hold every video of every day in memory (gigabytes, and the collector's time with it).
 */
export function memoryCaptureStore(options: { now: () => number; keepVideos?: boolean }): MemoryCaptureStore {
  const entries = new Map<string, StoredDue>();
  const committed = new Map<string, MemoryDay>();
  const progressItems = new Map<string, CaptureProgress>();
  const partItems = new Map<string, PartVideo[]>();
  const plans = new Map<Day, DayPlan>();
  const ops = { reads: 0, writes: 0, itemsRead: 0 };
  const shards = new Map<string, number>();
  const shardOf = (id: string) => {
    let s = shards.get(id);
    if (s === undefined) shards.set(id, (s = stableHash(`shard:${id}`) % MEMORY_SHARDS.length));
    return s;
  };
  const indexTime = (e: StoredDue) => e.leaseUntil ?? e.dueAt;
  const version = (e: StoredDue) => `${new Date(indexTime(e)).toISOString()}#${e.leases}`;
  const toEntry = (e: StoredDue): DueEntry => ({
    tenantId: e.tenantId,
    datasourceId: e.datasourceId,
    day: e.day,
    dueAt: indexTime(e),
    ...(e.leaseUntil !== undefined ? { leaseUntil: e.leaseUntil } : {}),
    videoCount: e.videoCount,
    lostDays: e.lostDays,
    version: version(e),
  });
  const plan = (day: Day): DayPlan => {
    let p = plans.get(day);
    if (!p) plans.set(day, (p = { day, plannedCalls: 0, doneCalls: 0, buckets: {} }));
    return p;
  };
  const addPlanned = (day: Day, calls: number, bucket: number) => {
    ops.writes += 1;
    const p = plan(day);
    p.plannedCalls += calls;
    p.buckets[bucket] = (p.buckets[bucket] ?? 0) + calls;
  };

  const store: MemoryCaptureStore = {
    entries,
    committed,
    progressItems,
    partItems,
    plans,
    ops,
    seed(ref, nowMs, videoCount) {
      const day = dayOf(nowMs);
      entries.set(ref.datasourceId, newEntry(ref, day, captureSlotMs(ref.datasourceId, day), videoCount));
    },
    due: {
      shards: MEMORY_SHARDS,
      async ensure(ref, nowMs, opts = {}) {
        ops.writes += 1;
        if (entries.has(ref.datasourceId)) return false;
        const day = dayOf(nowMs);
        const videoCount = opts.videoCount ?? 0;
        entries.set(ref.datasourceId, newEntry(ref, day, opts.now ? nowMs : captureSlotMs(ref.datasourceId, day), videoCount));
        const calls = captureCalls(videoCount);
        addPlanned(day, calls, sizeBucket(calls));
        return true;
      },
      async captureNow(ref, nowMs) {
        ops.writes += 1;
        const e = entries.get(ref.datasourceId);
        const day = dayOf(nowMs);
        if (!e) {
          entries.set(ref.datasourceId, newEntry(ref, day, nowMs, 0));
          return;
        }
        e.tenantId = ref.tenantId;
        e.day = day;
        e.dueAt = nowMs;
        e.leaseUntil = undefined;
      },
      async queryDue(shard, nowMs, limit) {
        ops.reads += 1;
        const found: StoredDue[] = [];
        for (const e of entries.values()) if (indexTime(e) <= nowMs && shardOf(e.datasourceId) === shard) found.push(e);
        const out = found.sort((a, b) => indexTime(a) - indexTime(b) || (a.datasourceId < b.datasourceId ? -1 : 1)).slice(0, limit);
        ops.itemsRead += out.length;
        return out.map(toEntry);
      },
      async lease(entry, leaseUntil) {
        ops.writes += 1;
        const e = entries.get(entry.datasourceId);
        if (!e || version(e) !== entry.version || e.day !== entry.day) return false;
        e.leaseUntil = leaseUntil;
        e.leases += 1;
        return true;
      },
      async renew(datasourceId, day, leaseUntil) {
        ops.writes += 1;
        const e = entries.get(datasourceId);
        if (e && e.day === day) e.leaseUntil = leaseUntil;
      },
      async advance(datasourceId, day, next, videoCount) {
        ops.writes += 1;
        const e = entries.get(datasourceId);
        if (!e || e.day !== day) return false;
        e.day = next.day;
        e.dueAt = next.dueAt;
        e.leaseUntil = undefined;
        if (videoCount !== undefined) e.videoCount = videoCount;
        return true;
      },
      async markLost(datasourceId, day, next, reason) {
        ops.writes += 1;
        const e = entries.get(datasourceId);
        if (!e || e.day !== day) return false;
        e.day = next.day;
        e.dueAt = next.dueAt;
        e.leaseUntil = undefined;
        e.lostDays += 1;
        e.lastLost = { day, reason };
        return true;
      },
      async remove(datasourceId) {
        ops.writes += 1;
        entries.delete(datasourceId);
      },
      async backfill() {
        return 0;
      },
    },
    plan: {
      async get(day) {
        ops.reads += 1;
        const p = plans.get(day);
        return p ? { ...p, buckets: { ...p.buckets } } : undefined;
      },
      async addPlanned(day, calls, bucket) {
        addPlanned(day, calls, bucket);
      },
      async addDone(day, calls) {
        ops.writes += 1;
        plan(day).doneCalls += calls;
      },
    },
    progress: {
      async get(datasourceId, day) {
        ops.reads += 1;
        const p = progressItems.get(dayKey(datasourceId, day));
        return p ? structuredClone(p) : undefined;
      },
      async save(progress, expectedVersion, part) {
        const key = dayKey(progress.datasourceId, progress.day);
        if (part) {
          ops.writes += 1;
          partItems.set(`${key}|${part.id}`, part.videos.map((v) => ({ ...v })));
        }
        ops.writes += 1;
        const current = progressItems.get(key);
        if ((current?.version ?? 0) !== expectedVersion) return false;
        progressItems.set(key, structuredClone(progress));
        return true;
      },
      async readParts(datasourceId, day, partIds) {
        ops.reads += 1;
        return partIds.map((id) => {
          const p = partItems.get(`${dayKey(datasourceId, day)}|${id}`);
          if (!p) throw new Error(`Capture part ${id} of ${datasourceId} ${day} is missing`);
          return p;
        });
      },
      async clear(progress) {
        const key = dayKey(progress.datasourceId, progress.day);
        for (const k of [...partItems.keys()]) if (k.startsWith(`${key}|`)) {
          ops.writes += 1;
          partItems.delete(k);
        }
        ops.writes += 1;
        progressItems.delete(key);
      },
    },
    days: {
      async has(datasourceId, day) {
        ops.reads += 1;
        return committed.has(dayKey(datasourceId, day));
      },
      async commit(target, data) {
        ops.writes += 1;
        const nowMs = options.now();
        if (dayOf(nowMs) !== target.day) return 'expired';
        const key = dayKey(target.datasourceId, target.day);
        if (committed.has(key)) return 'exists';
        const seen = new Set<string>();
        const videos = data.videos?.filter((v) => !seen.has(v.id) && seen.add(v.id));
        committed.set(key, { profile: data.profile, ...(options.keepVideos === false ? {} : { videos }), videoCount: videos?.length, capturedAt: nowMs });
        return 'captured';
      },
    },
  };
  return store;
}
