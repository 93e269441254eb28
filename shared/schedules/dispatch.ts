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
 *
 * Lost workers: a run left `running` by a worker that died (say SQS delivered a duplicate that was
 * skipped while the first try held the lease, then that try crashed) has no message left to retry
 * it. Each tick also reads the lease index (gsi1 `LEASE#<shard>`, runs whose lease ended more than
 * LEASE_SWEEP_MARGIN_MS ago; at most MAX_LEASE_SWEEPS_PER_TICK) and re-sends each such run once
 * (one conditional write picks one dispatcher; the next re-send waits REQUEUE_AFTER_MS), so a new
 * worker takes the expired lease over. Tries stay bounded: a run whose lost tries (or re-sends)
 * reached the queue's maxReceiveCount becomes `failed` (`worker_lost`) instead.
 */
import pLimit from 'p-limit';
import { REPORT_QUEUE_SETTINGS, type ReportQueue } from '../queue/index.ts';
import { logger } from '../logger.ts';
import { countRunsBetween, latestRunAtOrBefore, nextRunAfter, parseScheduleExpression } from './expression/index.ts';
import type { ScheduleRecord } from './model.ts';
import {
  claimRun,
  getRun,
  LEASE_SHARD_IDS,
  LEASE_SWEEP_MARGIN_MS,
  markLeaseLost,
  markLeaseResent,
  queryExpiredLeases,
  touchQueuedRun,
  WORKER_LOST_CODE,
  type ExpiredLeaseEntry,
  type RunStoreDeps,
} from './runs.ts';
import { scheduledSlot } from './slots.ts';
import { DUE_SHARD_IDS, advanceNextRun, getScheduleRecord, queryDueShard, recordLastRun, type StoreDeps } from './store.ts';

export interface DispatchDeps extends StoreDeps, RunStoreDeps {
  now(): number;
  queue: ReportQueue;
  /** Schedules handled at once (DynamoDB round trips in flight). */
  concurrency?: number;
  /** At most this many due schedules per invocation; the rest wait for the next tick. */
  maxSchedules?: number;
  /** Epoch ms after which no new schedule is started (the Lambda's remaining time). */
  deadline?: number;
  /** Tries of a run before it is `failed` (the queue's maxReceiveCount unless set). */
  maxAttempts?: number;
  /** Expired leases handled per tick (MAX_LEASE_SWEEPS_PER_TICK unless set); the rest wait for the next tick. */
  maxLeaseSweeps?: number;
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
  /** Running runs whose lease expired (worker lost), re-sent so a new worker takes them over. */
  leaseResent: number;
  /** Running runs whose lease expired with no try left: now `failed` (worker_lost). */
  leaseFailed: number;
}

/** A queued run older than this whose schedule has not advanced lost its message: send it again. */
export const REQUEUE_AFTER_MS = 60_000;
const PAGE = 100;
/** Expired leases handled per tick: a mass worker loss is worked off over several ticks. */
export const MAX_LEASE_SWEEPS_PER_TICK = 50;

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

type LeaseOutcome = 'leaseResent' | 'leaseFailed' | 'stale';

/** One run from the lease index: re-read, then re-send it or, out of tries, fail it. */
async function sweepOne(deps: DispatchDeps, entry: ExpiredLeaseEntry, nowMs: number): Promise<LeaseOutcome> {
  const run = await getRun(deps, entry.scheduleId, entry.slot);
  if (!run || run.tenantId !== entry.tenantId || run.status !== 'running' || run.leaseUntil === undefined) return 'stale';
  if (run.leaseUntil + LEASE_SWEEP_MARGIN_MS > nowMs) return 'stale'; // a new try took the lease since the index was read
  const maxAttempts = deps.maxAttempts ?? REPORT_QUEUE_SETTINGS.maxReceiveCount;
  const resends = run.leaseResends ?? 0;
  if (run.attempts >= maxAttempts || resends >= maxAttempts) {
    const finishedAt = new Date(nowMs).toISOString();
    const error = {
      code: WORKER_LOST_CODE,
      message: `Worker lost: the run's lease expired without a result after ${run.attempts} of ${maxAttempts} tries; not retried again.`,
    };
    if (!(await markLeaseLost(deps, run, entry.gsi1sk, error, finishedAt))) return 'stale';
    await recordLastRun(deps, run.tenantId, run.scheduleId, { slot: run.slot, status: 'failed', at: finishedAt, error: error.message });
    logger.error('Run failed: worker lost', { tenantId: run.tenantId, scheduleId: run.scheduleId, slot: run.slot, attempts: run.attempts });
    return 'leaseFailed';
  }
  // If this send fails (or its message is lost), the sweep time set here brings the run back later.
  if (!(await markLeaseResent(deps, run, entry.gsi1sk, nowMs + REQUEUE_AFTER_MS))) return 'stale';
  await deps.queue.send([{ tenantId: run.tenantId, scheduleId: run.scheduleId, slot: run.slot }]);
  logger.warn('Run lease expired (worker lost); re-sent', { tenantId: run.tenantId, scheduleId: run.scheduleId, slot: run.slot, attempts: run.attempts });
  return 'leaseResent';
}

async function sweepExpiredLeases(deps: DispatchDeps, nowMs: number, summary: DispatchSummary, limit: ReturnType<typeof pLimit>): Promise<void> {
  const budget = deps.maxLeaseSweeps ?? MAX_LEASE_SWEEPS_PER_TICK;
  if (budget <= 0) return;
  const pages = await Promise.all(LEASE_SHARD_IDS.map((shard) => queryExpiredLeases(deps, shard, nowMs, budget)));
  // Oldest sweep time first over all shards, then the per-tick bound.
  const entries = pages
    .flat()
    .sort((a, b) => (a.gsi1sk < b.gsi1sk ? -1 : a.gsi1sk > b.gsi1sk ? 1 : 0))
    .slice(0, budget);
  await Promise.all(
    entries.map((entry) =>
      limit(async () => {
        if (deps.deadline !== undefined && Date.now() > deps.deadline) return;
        try {
          const outcome = await sweepOne(deps, entry, nowMs);
          if (outcome !== 'stale') summary[outcome] += 1;
        } catch (err) {
          summary.failed += 1;
          logger.error('Sweep of an expired run lease failed; the next tick retries', {
            tenantId: entry.tenantId,
            scheduleId: entry.scheduleId,
            slot: entry.slot,
            error: err as Error,
          });
        }
      }),
    ),
  );
}

export async function dispatchDueSchedules(deps: DispatchDeps): Promise<DispatchSummary> {
  const nowMs = deps.now();
  const nowIso = new Date(nowMs).toISOString();
  const limit = pLimit(deps.concurrency ?? 16);
  const maxSchedules = deps.maxSchedules ?? 5_000;
  const summary: DispatchSummary = {
    due: 0,
    claimed: 0,
    alreadyClaimed: 0,
    requeued: 0,
    stale: 0,
    failed: 0,
    missedSlots: 0,
    leaseResent: 0,
    leaseFailed: 0,
  };
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
  await sweepExpiredLeases(deps, nowMs, summary, limit);
  return summary;
}
