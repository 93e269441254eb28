/**
 * The capture dispatcher (called on every tick of THE dispatcher, functions/schedule-dispatch):
 * reads the due index (entries due at or before now, per shard: cost O(due accounts), never a list
 * of every datasource), leases each due entry and returns one capture message per lease for the
 * caller to send on the capture queue. An entry whose day ended without a capture is counted lost
 * (null in the history, `SnapshotDaysLost`) and moved to today's slot. Also: one bounded migration
 * step (entries for datasources that have none), and the day's capacity verdict (plan.ts), which
 * also decides which of the largest accounts skip their video counters today.
 */
import { alertDayLost } from './lost-day-alert.ts';
import pLimit from 'p-limit';
import { CAPTURE_QUEUE_SETTINGS, type CaptureMessage } from '../queue/capture.ts';
import { dayOf } from './days.ts';
import { assessCapacity, captureCalls, captureSlotMs, sizeBucket, skipsVideosToday, type CaptureCapacitySettings, type CapacityVerdict } from './plan.ts';
import type { CaptureStore, DatasourceRef } from './ports.ts';

export interface CaptureSweepDeps {
  store: CaptureStore;
  capacity: CaptureCapacitySettings;
  leaseMs?: number;
  /** Due entries leased per tick at most (the rest stay due for the next tick). */
  maxPerTick?: number;
  /** Migration: datasources given a due entry per tick (0: none). */
  backfillPerTick?: number;
  concurrency?: number;
  /** True once the invocation must stop starting new work. */
  outOfTime?: () => boolean;
  /**
   * TikTok calls this tick may queue (tickCallBudget): due captures beyond it stay due, oldest first,
   * for the next tick. Queuing only what the background lane can serve keeps the capture queue short,
   * so captures rarely wait for quota at all (each wait is an invocation and store reads).
   */
  callBudget?: number;
}

/** What the background lane serves between two ticks, with a quarter more so the lane never idles. */
export function tickCallBudget(capacity: CaptureCapacitySettings, tickMinutes: number): number {
  return Math.ceil(capacity.quotaPerMinute * capacity.backgroundShare * tickMinutes * 1.25);
}

export interface CaptureSweepSummary {
  day: string;
  due: number;
  queued: number;
  /** Leases that ended without success, queued again (catch-up). */
  requeued: number;
  /** Captures queued with profile counters only (the degradation rule). */
  profileOnly: number;
  /** Entries moved by someone else between the read and the lease. */
  stale: number;
  daysLost: number;
  backfilled: number;
  failed: number;
  capacity: CapacityVerdict;
}

export interface CaptureSweepResult {
  messages: CaptureMessage[];
  summary: CaptureSweepSummary;
}

export const DEFAULT_MAX_PER_TICK = 5_000;
export const DEFAULT_BACKFILL_PER_TICK = 500;

export async function dispatchDueCaptures(deps: CaptureSweepDeps, nowMs: number): Promise<CaptureSweepResult> {
  const today = dayOf(nowMs);
  const leaseMs = deps.leaseMs ?? CAPTURE_QUEUE_SETTINGS.leaseMinutes * 60_000;
  const maxPerTick = deps.maxPerTick ?? DEFAULT_MAX_PER_TICK;
  const { store } = deps;
  const backfilled = (deps.backfillPerTick ?? 0) > 0 ? await store.due.backfill(nowMs, deps.backfillPerTick!) : 0;
  const capacity = assessCapacity(await store.plan.get(today), nowMs, deps.capacity);
  const summary: CaptureSweepSummary = { day: today, due: 0, queued: 0, requeued: 0, profileOnly: 0, stale: 0, daysLost: 0, backfilled, failed: 0, capacity };

  const pages = await Promise.all(store.due.shards.map((shard) => store.due.queryDue(shard, nowMs, maxPerTick)));
  const sorted = pages
    .flat()
    .sort((a, b) => a.dueAt - b.dueAt)
    .slice(0, maxPerTick);
  const due: typeof sorted = [];
  let budget = deps.callBudget ?? Number.POSITIVE_INFINITY;
  for (const entry of sorted) {
    // Lost days cost no call; the first capture of a tick always goes, however big.
    if (entry.day < today) {
      due.push(entry);
      continue;
    }
    const calls = skipsVideosToday(entry.datasourceId, today, entry.videoCount, capacity) ? 1 : captureCalls(entry.videoCount);
    if (calls > budget && due.length > 0) break;
    budget -= calls;
    due.push(entry);
  }
  summary.due = due.length;
  const messages: CaptureMessage[] = [];
  const limit = pLimit(deps.concurrency ?? 16);
  await Promise.all(
    due.map((entry) =>
      limit(async () => {
        if (deps.outOfTime?.()) return;
        try {
          if (entry.day < today) {
            // The day ended without a capture: it stays missing; today's capture is due at its slot.
            const next = { day: today, dueAt: Math.max(captureSlotMs(entry.datasourceId, today), 0) };
            if (await store.due.markLost(entry.datasourceId, entry.day, next, 'snapshot_day_over')) {
              summary.daysLost += 1;
              // Built-in alert (docs/webhooks.md): a datasource went a whole day without a snapshot.
              await alertDayLost(entry, entry.day, 'snapshot_day_over', nowMs);
              const calls = captureCalls(entry.videoCount);
              await store.plan.addDone(entry.day, calls);
              await store.plan.addPlanned(today, calls, sizeBucket(calls));
            } else summary.stale += 1;
            return;
          }
          if (entry.day > today) return;
          if (!(await store.due.lease(entry, nowMs + leaseMs))) {
            summary.stale += 1;
            return;
          }
          const skipVideos = skipsVideosToday(entry.datasourceId, today, entry.videoCount, capacity);
          messages.push({
            kind: 'capture',
            tenantId: entry.tenantId,
            datasourceId: entry.datasourceId,
            day: entry.day,
            attempt: 0,
            planned: captureCalls(entry.videoCount),
            ...(skipVideos ? { skipVideos } : {}),
          });
          if (entry.leaseUntil !== undefined) summary.requeued += 1;
          else summary.queued += 1;
          if (skipVideos) summary.profileOnly += 1;
        } catch {
          summary.failed += 1;
        }
      }),
    ),
  );
  return { messages, summary };
}

/**
 * A datasource connected or re-authorised now: its capture of today is due at once, unless today
 * is already captured (then nothing changes). The first snapshot of a new account (the baseline
 * every growth figure needs) follows within a dispatcher tick.
 */
export async function scheduleCaptureNow(store: CaptureStore, ref: DatasourceRef, nowMs: number): Promise<boolean> {
  const today = dayOf(nowMs);
  if (await store.days.has(ref.datasourceId, today)) {
    await store.due.ensure(ref, nowMs);
    return false;
  }
  await store.due.captureNow(ref, nowMs);
  const calls = captureCalls(0);
  await store.plan.addPlanned(today, calls, sizeBucket(calls));
  return true;
}
