/** EventBridge target: refreshes access tokens that expire within the next hour and reports outcomes as metrics. */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { appContext } from '../../shared/context.ts';
import { eventHandler } from '../../shared/lambda/handler.ts';
import { logger } from '../../shared/logger.ts';
import { sweepExpiringTokens, TOKEN_REFRESH_METRICS, tokenService, type SweepSummary } from '../../shared/tokens/index.ts';

const metrics = new Metrics({ namespace: TOKEN_REFRESH_METRICS.namespace, serviceName: 'tiktok-connector' });

async function sweep(): Promise<SweepSummary> {
  const ctx = appContext();
  let summary: SweepSummary;
  try {
    summary = await sweepExpiringTokens({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => ctx.clock.now() }, tokenService());
  } catch (err) {
    // The sweep itself failed (e.g. the store is down): count it as a failure so the alarm fires;
    // logMetrics publishes on error too. The throw keeps the invocation failed (Errors alarm, retry).
    metrics.addMetric(TOKEN_REFRESH_METRICS.failed, MetricUnit.Count, 1);
    metrics.addMetric(TOKEN_REFRESH_METRICS.sweepFailed, MetricUnit.Count, 1);
    logger.error('Token refresh sweep failed', { error: err as Error });
    throw err;
  }
  // Zeros are published too, so the TokenRefreshFailed alarm always has data to evaluate.
  metrics.addMetric(TOKEN_REFRESH_METRICS.succeeded, MetricUnit.Count, summary.succeeded);
  metrics.addMetric(TOKEN_REFRESH_METRICS.failed, MetricUnit.Count, summary.failed);
  metrics.addMetric(TOKEN_REFRESH_METRICS.needsReauth, MetricUnit.Count, summary.needsReauth);
  metrics.addMetric(TOKEN_REFRESH_METRICS.deferred, MetricUnit.Count, summary.deferred);
  logger.info('Token refresh sweep finished', { ...summary });
  return summary;
}

export const handler = eventHandler(sweep, { metrics });
