/**
 * EventBridge target (one rule, every few minutes): one dispatcher tick (shared/workers/dispatch-tick.ts).
 * Returns the summary (visible in the local runtime and in Lambda's invocation logs).
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { SNAPSHOT_METRICS } from '../../shared/history/metrics.ts';
import { addCounts, eventHandler } from '../../shared/lambda/handler.ts';
import { dispatchTick, type DispatchTickSummary } from '../../shared/workers/dispatch-tick.ts';
import { dispatchTickDeps } from '../../shared/workers/dispatch-tick-deps.ts';

const metrics = new Metrics({ namespace: SNAPSHOT_METRICS.namespace, serviceName: SNAPSHOT_METRICS.service });

export const handler = eventHandler(async (event: ScheduledEvent, context: Context): Promise<DispatchTickSummary> => {
  const { summary, counts } = await dispatchTick(dispatchTickDeps(), { remainingMs: context.getRemainingTimeInMillis(), eventTime: event.time });
  addCounts(metrics, counts);
  return summary;
}, { metrics });
