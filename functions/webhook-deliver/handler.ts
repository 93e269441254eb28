/**
 * SQS consumer of the webhook queue (batch size 1). Retries are new delayed messages the work sends
 * itself (shared/webhooks/deliver.ts), so a record is acknowledged unless the bookkeeping failed.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventHandler, SERVICE_METRICS_NAMESPACE } from '../../shared/lambda/handler.ts';
import { logger } from '../../shared/logger.ts';
import { defaultDeliverDeps } from '../../shared/webhooks/default-deps.ts';
import { handleWebhookMessage } from '../../shared/webhooks/deliver.ts';
import { parseWebhookMessage } from '../../shared/webhooks/queue.ts';

const metrics = new Metrics({ namespace: SERVICE_METRICS_NAMESPACE, serviceName: 'tiktok-connector' });

export const handler = eventHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const totals = { delivered: 0, failed: 0, deadLettered: 0, disabled: 0 };
  for (const record of event.Records) {
    const message = parseWebhookMessage(record.body);
    if (!message) {
      logger.error('Malformed webhook message; it will end in the DLQ', { messageId: record.messageId });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const s = await handleWebhookMessage(defaultDeliverDeps(), message);
      totals.delivered += s.delivered;
      totals.failed += s.failed;
      totals.deadLettered += s.deadLettered;
      totals.disabled += s.disabled;
    } catch (err) {
      logger.error('Webhook message handling failed; the queue will retry', { messageId: record.messageId, error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  // Zeros too, so the alarms' metrics always have data points.
  metrics.addMetric('WebhookDeliveries', MetricUnit.Count, totals.delivered);
  metrics.addMetric('WebhookDeliveryFailures', MetricUnit.Count, totals.failed);
  metrics.addMetric('WebhookDeadLettered', MetricUnit.Count, totals.deadLettered);
  metrics.addMetric('WebhookSubscriptionsDisabled', MetricUnit.Count, totals.disabled);
  return { batchItemFailures: failures };
}, { metrics });
