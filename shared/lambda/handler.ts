/**
 * The wrapper of every non-HTTP Lambda (EventBridge and SQS targets), the counterpart of
 * shared/http/handler.ts: Powertools Lambda context on every log line (function name, request id,
 * cold start) and the handler's metrics flushed as EMF when it returns or throws, so a handler only
 * adds metrics and never forgets to publish them.
 */
import middy from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger as serviceLogger } from '../logger.ts';

/** The stack's metrics namespace (infra/constructs/functions.ts METRICS_NAMESPACE). */
export const SERVICE_METRICS_NAMESPACE = 'TikTokConnector';

export interface EventHandlerOptions {
  /** Default: the service logger (shared/logger.ts). */
  logger?: Logger;
  /** The handler's metrics; default: one per handler in the service namespace. */
  metrics?: Metrics;
  /** Forget keys appended during an invocation (default true: no leak into the next one). */
  resetKeys?: boolean;
  /** Publish a ColdStart metric (default false: Lambda's own Init Duration says as much). */
  captureColdStartMetric?: boolean;
}

export type EventHandler<E, R> = (event: E, context: Context) => Promise<R>;

export function eventHandler<E, R>(fn: EventHandler<E, R>, options: EventHandlerOptions = {}): EventHandler<E, R> {
  const metrics = options.metrics ?? new Metrics({ namespace: SERVICE_METRICS_NAMESPACE, serviceName: 'tiktok-connector' });
  return middy(fn)
    .use(injectLambdaContext(options.logger ?? serviceLogger, { resetKeys: options.resetKeys ?? true }))
    .use(logMetrics(metrics, { captureColdStartMetric: options.captureColdStartMetric ?? false, throwOnEmptyMetrics: false })) as unknown as EventHandler<E, R>;
}

/** Count metrics by name (the workers in shared/workers return them); the wrapper flushes them. */
export function addCounts(metrics: Metrics, counts: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
}
