/**
 * EventBridge target (one rule, every few minutes): claims every due slot once and queues its run.
 * Returns the summary (visible in the local runtime and in Lambda's invocation logs).
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { defaultDispatchDeps, dispatchDueSchedules, type DispatchSummary } from '../../shared/schedules/index.ts';
import { dispatchSnapshotsFromDispatcher } from '../../shared/history/index.ts';

/** Stop starting new schedules this long before the Lambda times out. */
const RESERVE_MS = 10_000;

export const handler = async (event: ScheduledEvent, context: Context) => {
  const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS);
  const summary: DispatchSummary = await dispatchDueSchedules(defaultDispatchDeps(deadline));
  // Built-in daily snapshots (shared/history/dispatch.ts): same tick, same table, same queue.
  const snapshots = await dispatchSnapshotsFromDispatcher(deadline);
  logger.info('Schedules dispatched', { eventTime: event.time, ...summary, snapshots });
  return { ...summary, snapshots };
};
