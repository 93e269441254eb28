/**
 * The dispatcher: finds due schedules through gsi1 (no scans), claims each due slot once and queues
 * one run per claimed slot.
 *
 * Per due schedule, in this order (each step a single conditional write, safe to repeat):
 *   1. re-read the schedule (the index is eventually consistent): still enabled and due?
 *   2. slot = the LATEST due time at or before now. Missed slots are not caught up: after an
 *      outage of hours a schedule runs once, for its most recent slot, and the run records how
 *      many slots were skipped (`missedSlots`). A backlog storm would hammer TikTok's rate limits
 *      and deliver stale data under old names; the latest slot is what a reader wants.
 *   3. claim: conditional put of the run item (`attribute_not_exists`) -> exactly one claimer;
 *   4. the claimer queues the message; a run left `queued` by a claimer that died before sending
 *      (seen again because the schedule did not advance) is re-sent once it is REQUEUE_AFTER_MS old;
 *      a fresh `queued` claim is left to its claimer (no advance, so a dead claimer is noticed);
 *   5. advance nextRunAt, conditioned on the value read in 1 (a concurrent dispatcher or the
 *      worker may have done it already: then nothing happens).
 * A crash between any two steps leaves a state the next tick completes; the run item makes the
 * delivery idempotent whatever is sent twice.
 */
import pLimit from 'p-limit';
import type { ReportQueue } from '../queue/index.ts';
import { logger } from '../logger.ts';
import { countRunsBetween, latestRunAtOrBefore, nextRunAfter, parseScheduleExpression } from './expression/index.ts';
import type { ScheduleRecord } from './model.ts';
import { claimRun, touchQueuedRun, type RunStoreDeps } from './runs.ts';
import { scheduledSlot } from './slots.ts';
import { DUE_SHARD_IDS, advanceNextRun, getScheduleRecord, queryDueShard, type StoreDeps } from './store.ts';

export interface DispatchDeps extends StoreDeps, RunStoreDeps {
  now(): number;
  queue: ReportQueue;
  /** Schedules handled at once (DynamoDB round trips in flight). */
  concurrency?: number;
  /** At most this many due schedules per invocation; the rest wait for the next tick. */
  maxSchedules?: number;
  /** Epoch ms after which no new schedule is started (the Lambda's remaining time). */
  deadline?: number;
}

export interface DispatchSummary {
  due: number;
  claimed: number;
  /** Slots someone else had claimed already (duplicate event, concurrent dispatcher). */
  alreadyClaimed: number;
  requeued: number;
  /** Due entries that were not due any more when re-read (stale index, disabled, changed). */
  stale: number;
  failed: number;
  /** Slots skipped by the missed-slot rule, over all schedules. */
  missedSlots: number;
}

/** A queued run older than this whose schedule has not advanced lost its message: send it again. */
export const REQUEUE_AFTER_MS = 60_000;
const PAGE = 100;

type Outcome = 'claimed' | 'alreadyClaimed' | 'requeued' | 'stale';

function timing(s: ScheduleRecord) {
  return { timezone: s.timezone, anchorMs: Date.parse(s.anchorAt) };
}

async function dispatchOne(deps: DispatchDeps, tenantId: string, scheduleId: string, nowMs: number): Promise<{ outcome: Outcome; missed: number }> {
  const schedule = await getScheduleRecord(deps, tenantId, scheduleId);
  if (!schedule || !schedule.enabled || !schedule.nextRunAt || Date.parse(schedule.nextRunAt) > nowMs) return { outcome: 'stale', missed: 0 };
  const expression = parseScheduleExpression(schedule.schedule);
  const ctx = timing(schedule);
  const dueMs = Date.parse(schedule.nextRunAt);
  const slotMs = latestRunAtOrBefore(expression, nowMs, ctx);
  const nextMs = nextRunAfter(expression, nowMs, ctx);
  const next = nextMs === undefined ? undefined : new Date(nextMs).toISOString();
  if (slotMs === undefined || slotMs < dueMs) {
    // nextRunAt no longer names a slot of the expression (should not happen): move on without running.
    await advanceNextRun(deps, schedule, { expectedNextRunAt: schedule.nextRunAt }, next);
    return { outcome: 'stale', missed: 0 };
  }
  const missed = countRunsBetween(expression, dueMs, slotMs, ctx);
  const slot = scheduledSlot(slotMs);
  const message = { tenantId, scheduleId, slot };
  const claim = await claimRun(
    deps,
    { tenantId, scheduleId, slot, trigger: 'schedule', dueAt: new Date(slotMs).toISOString(), missedSlots: missed },
    nowMs,
  );
  let outcome: Outcome;
  if (claim.claimed) {
    await deps.queue.send([message]);
    outcome = 'claimed';
  } else if (claim.existing?.status === 'queued') {
    if (Date.parse(claim.existing.queuedAt) > nowMs - REQUEUE_AFTER_MS || !(await touchQueuedRun(deps, claim.existing, nowMs))) {
      // A fresh claim: its claimer is sending and will advance. If it died instead, the schedule
      // stays due and a later tick finds the claim stale and re-sends it.
      return { outcome: 'alreadyClaimed', missed: 0 };
    }
    await deps.queue.send([message]);
    outcome = 'requeued';
  } else {
    outcome = 'alreadyClaimed';
  }
  await advanceNextRun(deps, schedule, { expectedNextRunAt: schedule.nextRunAt }, next);
  if (missed > 0 && claim.claimed) logger.warn('Missed slots skipped', { tenantId, scheduleId, slot, missedSlots: missed });
  return { outcome, missed: claim.claimed ? missed : 0 };
}

export async function dispatchDueSchedules(deps: DispatchDeps): Promise<DispatchSummary> {
  const nowMs = deps.now();
  const nowIso = new Date(nowMs).toISOString();
  const limit = pLimit(deps.concurrency ?? 16);
  const maxSchedules = deps.maxSchedules ?? 5_000;
  const summary: DispatchSummary = { due: 0, claimed: 0, alreadyClaimed: 0, requeued: 0, stale: 0, failed: 0, missedSlots: 0 };
  const seen = new Set<string>();
  const work: Promise<void>[] = [];

  const handle = (tenantId: string, scheduleId: string) =>
    limit(async () => {
      if (deps.deadline !== undefined && Date.now() > deps.deadline) return;
      try {
        const { outcome, missed } = await dispatchOne(deps, tenantId, scheduleId, nowMs);
        summary[outcome] += 1;
        summary.missedSlots += missed;
      } catch (err) {
        summary.failed += 1;
        logger.error('Dispatch of a schedule failed; the next tick retries', { tenantId, scheduleId, error: err as Error });
      }
    });

  await Promise.all(
    DUE_SHARD_IDS.map(async (shard) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        if (seen.size >= maxSchedules) break;
        const page = await queryDueShard(deps, shard, nowIso, { limit: PAGE, startKey });
        for (const entry of page.entries) {
          const key = `${entry.tenantId}#${entry.scheduleId}`;
          if (seen.has(key) || seen.size >= maxSchedules) continue;
          seen.add(key);
          summary.due += 1;
          work.push(handle(entry.tenantId, entry.scheduleId));
        }
        startKey = page.lastKey;
      } while (startKey);
    }),
  );
  await Promise.all(work);
  return summary;
}
