/**
 * SQS consumer of the capture queue (batch size 1): one daily snapshot capture per message
 * (shared/history/capture-job.ts). A capture that reaches its deadline, waits for TikTok quota or
 * retries a real failure sends its next message (delayed, with its own attempt counter) and
 * acknowledges this one: SQS's receive count only grows when an invocation crashed.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { defaultCaptureJobDeps, runCaptureJob } from '../../shared/history/index.ts';
import { SNAPSHOT_METRICS } from '../../shared/history/metrics.ts';
import { invocationDeadline } from '../../shared/lambda/deadline.ts';
import { eventHandler } from '../../shared/lambda/handler.ts';
import { withLakeCommits } from '../../shared/lake/capture.ts';
import { logger } from '../../shared/logger.ts';
import { CAPTURE_QUEUE_SETTINGS, captureQueue, parseCaptureMessage } from '../../shared/queue/capture.ts';

const metrics = new Metrics({ namespace: SNAPSHOT_METRICS.namespace, serviceName: SNAPSHOT_METRICS.service });

export const handler = eventHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const message = parseCaptureMessage(record.body);
    if (!message) {
      logger.error('Malformed capture message; it will end in the DLQ', { messageId: record.messageId });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      const deps = withLakeCommits(defaultCaptureJobDeps(), () => metrics.addMetric(SNAPSHOT_METRICS.lakeWriteFailed, MetricUnit.Count, 1));
      // On the app clock: the capture job compares it with deps.now() (simulations move that clock).
      const deadlineMs = invocationDeadline(context, CAPTURE_QUEUE_SETTINGS.reserveMs, { now: deps.now() }) ?? Number.POSITIVE_INFINITY;
      const outcome = await runCaptureJob(deps, message, { deadlineMs });
      logger.info('Capture handled', { datasourceId: message.datasourceId, day: message.day, outcome: outcome.kind, calls: outcome.calls, ...('status' in outcome ? { status: outcome.status } : {}) });
      if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') {
        await captureQueue().send([outcome.message], { delaySeconds: outcome.delaySeconds });
      } else if (outcome.kind === 'failed' && outcome.lostDay) {
        metrics.addMetric(SNAPSHOT_METRICS.daysLost, MetricUnit.Count, 1);
      }
    } catch (err) {
      // The job's own bookkeeping failed (store down) or the next message could not be sent: SQS delivers it again.
      logger.error('Capture handling failed; the queue will retry', { datasourceId: message.datasourceId, day: message.day, error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  metrics.addMetric('SnapshotCaptureRetries', MetricUnit.Count, failures.length); // zeros too: the wrapper flushes every invocation
  return { batchItemFailures: failures };
}, { metrics });
