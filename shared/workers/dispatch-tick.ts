/**
 * One tick of the dispatcher (schedule-dispatch, an EventBridge rule every few minutes): claims every
 * due schedule slot once and queues its run, queues the day's snapshot captures (shared/history/sweep.ts)
 * and the due alerts (evaluated by report-generate). Each part fails alone: the next tick retries it.
 */
import { claimDueAlerts } from '../alerts/due.ts';
import { SNAPSHOT_METRICS } from '../history/metrics.ts';
import type { CaptureSweepSummary } from '../history/sweep.ts';
import { logger } from '../logger.ts';
import type { ReportQueue } from '../queue/port.ts';
import { dispatchDueSchedules, type DispatchDeps, type DispatchSummary } from '../schedules/index.ts';

/** Stop starting new schedules this long before the Lambda times out. */
const RESERVE_MS = 10_000;

export interface DispatchTickDeps {
  schedules(deadline: number): DispatchDeps;
  captures(deadline: number): Promise<CaptureSweepSummary | { error: string }>;
  alerts: Parameters<typeof claimDueAlerts>[0];
  queue(): ReportQueue;
}

export type DispatchTickSummary = DispatchSummary & { snapshots: CaptureSweepSummary | { error: string }; alerts: number };

/** `remainingMs`: the invocation's time left; `eventTime`: the rule's firing time (logged). */
export async function dispatchTick(deps: DispatchTickDeps, tick: { remainingMs: number; eventTime?: string }): Promise<{ summary: DispatchTickSummary; counts: Record<string, number> }> {
  const deadline = Date.now() + Math.max(0, tick.remainingMs - RESERVE_MS);
  const summary = await dispatchDueSchedules(deps.schedules(deadline));
  const snapshots = await deps.captures(deadline);
  let alerts = 0;
  try {
    const due = await claimDueAlerts(deps.alerts);
    if (due.length) await deps.queue().send(due.map((d) => ({ kind: 'alert' as const, ...d })));
    alerts = due.length;
  } catch (err) {
    logger.error('Alert dispatch failed; the next tick retries', { error: err as Error });
  }
  // Every tick publishes (zeros too); snapshot counts only when the sweep ran.
  const counts: Record<string, number> = {
    ScheduleRunsQueued: summary.claimed + summary.requeued + summary.leaseResent,
    ScheduleDispatchFailures: summary.failed + summary.leaseFailed,
  };
  if (!('error' in snapshots)) {
    counts[SNAPSHOT_METRICS.overrunCalls] = snapshots.capacity.overrunCalls;
    counts[SNAPSHOT_METRICS.hoursToFinish] = Math.round(snapshots.capacity.hoursToFinish * 100) / 100;
    counts[SNAPSHOT_METRICS.queued] = snapshots.queued + snapshots.requeued;
    if (snapshots.daysLost > 0) counts[SNAPSHOT_METRICS.daysLost] = snapshots.daysLost;
  }
  logger.info('Schedules dispatched', { eventTime: tick.eventTime, ...summary, snapshots, alerts });
  return { summary: { ...summary, snapshots, alerts }, counts };
}
