/**
 * EventBridge target (one rule, every few minutes): claims every due slot once and queues its run.
 * Returns the summary (visible in the local runtime and in Lambda's invocation logs).
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { defaultDispatchDeps, dispatchDueSchedules, type DispatchSummary } from '../../shared/schedules/index.ts';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { invocationDeadline } from '../../shared/lambda/deadline.ts';
import { eventHandler } from '../../shared/lambda/handler.ts';
import { dispatchCapturesFromDispatcher } from '../../shared/history/index.ts';
import { SNAPSHOT_METRICS } from '../../shared/history/metrics.ts';
import { claimDueAlerts } from '../../shared/alerts/due.ts';
import { tableAccess } from '../../shared/context.ts';
import { reportQueue, type QueueMessage } from '../../shared/queue/index.ts';

const metrics = new Metrics({ namespace: SNAPSHOT_METRICS.namespace, serviceName: SNAPSHOT_METRICS.service });

/** Stop starting new schedules this long before the Lambda times out. */
const RESERVE_MS = 10_000;

export const handler = eventHandler(async (event: ScheduledEvent, context: Context) => {
  const deadline = invocationDeadline(context, RESERVE_MS);
  const summary: DispatchSummary = await dispatchDueSchedules(defaultDispatchDeps(deadline));
  // Built-in daily snapshots (shared/history/sweep.ts): same tick, due index, the capture queue.
  const snapshots = await dispatchCapturesFromDispatcher(deadline);
  // Alerts: same tick and expressions as schedules; evaluated by report-generate (kind 'alert').
  let alerts = 0;
  try {
    const due = await claimDueAlerts(tableAccess());
    if (due.length) await reportQueue().send(due.map((d) => ({ kind: 'alert', ...d }) as unknown as QueueMessage));
    alerts = due.length;
  } catch (err) {
    logger.error('Alert dispatch failed; the next tick retries', { error: err as Error });
  }
  // Every tick publishes (zeros too): the wrapper flushes them, and an empty flush only warns.
  metrics.addMetric('ScheduleRunsQueued', MetricUnit.Count, summary.claimed + summary.requeued + summary.leaseResent);
  metrics.addMetric('ScheduleDispatchFailures', MetricUnit.Count, summary.failed + summary.leaseFailed);
  if (!('error' in snapshots)) {
    metrics.addMetric(SNAPSHOT_METRICS.overrunCalls, MetricUnit.Count, snapshots.capacity.overrunCalls);
    metrics.addMetric(SNAPSHOT_METRICS.hoursToFinish, MetricUnit.Count, Math.round(snapshots.capacity.hoursToFinish * 100) / 100);
    metrics.addMetric(SNAPSHOT_METRICS.queued, MetricUnit.Count, snapshots.queued + snapshots.requeued);
    if (snapshots.daysLost > 0) metrics.addMetric(SNAPSHOT_METRICS.daysLost, MetricUnit.Count, snapshots.daysLost);
  }
  logger.info('Schedules dispatched', { eventTime: event.time, ...summary, snapshots, alerts });
  return { ...summary, snapshots, alerts };
}, { metrics });
