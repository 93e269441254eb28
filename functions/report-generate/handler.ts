/**
 * SQS consumer (report queue, batch size 1, ReportBatchItemFailures on): runs each slot once.
 * A record that should be tried again is reported as a batch item failure after asking the queue
 * to bring it back later (backoff); after maxReceiveCount receives the queue moves it to the DLQ.
 * A record whose run is finished (succeeded, or failed for good) is acknowledged.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { defaultDeliveryDeps, executeRun, retryDelaySeconds } from '../../shared/delivery/index.ts';
import { parseSnapshotMessage } from '../../shared/history/index.ts';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { eventHandler, SERVICE_METRICS_NAMESPACE } from '../../shared/lambda/handler.ts';
import { logger } from '../../shared/logger.ts';
import { withWork } from '../../shared/quota/work.ts';
import { parseExportMessage, parseRunMessage, REPORT_QUEUE_SETTINGS, reportQueue, type ExportMessage } from '../../shared/queue/index.ts';
import { runExportJob } from '../../shared/exports/job.ts';
import { defaultExportJobDeps } from '../../shared/exports/job-deps.ts';
import type { SQSRecord } from 'aws-lambda';
import { appContext } from '../../shared/context.ts';
import { defaultDownloadSigner } from '../../shared/exports/download.ts';
import { notifyRunOutcome } from '../../shared/delivery/run-events.ts';
import { evaluateAlert, getAlert, parseAlertMessage, recordAlertError, type AlertMessage } from '../../shared/alerts/alerts.ts';
import { defaultAlertDeps } from '../../shared/alerts/default-deps.ts';
import { QuotaExhaustedError } from '../../shared/quota/errors.ts';
import { AppError } from '../../shared/errors.ts';
import type { QueueMessage } from '../../shared/queue/index.ts';

/** Time kept back from the Lambda timeout to render, write and record after the last TikTok page. */
const RESERVE_MS = 30_000;

const metrics = new Metrics({ namespace: SERVICE_METRICS_NAMESPACE, serviceName: 'tiktok-connector' });

export const handler = eventHandler(async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const deps = defaultDeliveryDeps();
  for (const record of event.Records) {
    const exportMessage = parseExportMessage(record.body);
    if (exportMessage) {
      if (!(await handleExport(exportMessage, record, context))) failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const alertMessage = parseAlertMessage(record.body);
    if (alertMessage) {
      if (!(await handleAlert(alertMessage))) failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const message = parseRunMessage(record.body);
    if (!message) {
      logger.error('Malformed run message; it will end in the DLQ', { messageId: record.messageId });
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    try {
      // Legacy `snapshot:<datasourceId>` messages (before the capture lane): acknowledged, no work;
      // the due index queues those captures on the capture queue (functions/history-capture).
      if (parseSnapshotMessage(message)) {
        logger.info('Legacy snapshot message acknowledged; captures run on the capture queue', { ...message });
        continue;
      }
      // Deliveries take the scheduled lane of the TikTok quota (docs/quota.md).
      const outcome = await withWork({ tenantId: message.tenantId, priority: 'scheduled' }, () =>
        executeRun(deps, message, {
          receiveCount,
          deadline: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS),
        }),
      );
      logger.info('Run handled', { ...message, outcome: outcome.kind, ...('reason' in outcome ? { reason: outcome.reason } : {}) });
      // run.succeeded / run.failed webhooks (docs/webhooks.md); never fails the run.
      await notifyRunOutcome({ ...deps, signer: defaultDownloadSigner(appContext().config) }, message, outcome);
      if (outcome.kind === 'wait') {
        // Waiting for TikTok quota spends no receive: the run comes back as a new, delayed message.
        await reportQueue().send([message], { delaySeconds: outcome.delaySeconds });
      } else if (outcome.kind === 'retry') {
        const delay = retryDelaySeconds(outcome.attempt, REPORT_QUEUE_SETTINGS, outcome.retryAfterSeconds);
        await reportQueue().retryLater({ messageId: record.messageId, receiptHandle: record.receiptHandle }, delay);
        failures.push({ itemIdentifier: record.messageId });
      } else if (outcome.kind === 'failed' && outcome.retryable) {
        // Transient to the end: the run says failed, and its message goes to the DLQ. Sent there
        // explicitly: after quota waits the message is a re-send with a receive count of its own.
        await reportQueue().deadLetter(message, outcome.error.code, receiveCount);
      }
    } catch (err) {
      // Recording the outcome itself failed (e.g. DynamoDB down): the queue delivers it again.
      logger.error('Run handling failed; the queue will retry', { ...message, error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  // Zeros too, so every invocation publishes (the wrapper flushes them).
  metrics.addMetric('ReportRunsHandled', MetricUnit.Count, event.Records.length - failures.length);
  metrics.addMetric('ReportRunsRetried', MetricUnit.Count, failures.length);
  return { batchItemFailures: failures };
}, { metrics });

/**
 * One step of an export (shared/exports/job.ts). Its next step (continuation, quota wait, retry) is
 * a new message, so this one is acknowledged; false (a batch item failure: SQS delivers it again)
 * only when the job's own bookkeeping or the send failed.
 */
async function handleExport(message: ExportMessage, record: SQSRecord, context: Context): Promise<boolean> {
  try {
    const deps = defaultExportJobDeps();
    // Exports take the scheduled lane, not background: a person asked for this file and waits for it, as for a
    // delivery; background is the service's own housekeeping (snapshots), which may wait hours. A short permit wait,
    // then the message is re-sent later rather than holding a worker.
    const outcome = await withWork({ tenantId: message.tenantId, priority: 'scheduled', maxWaitMs: 1_000 }, () =>
      runExportJob(deps, message, { deadlineMs: Date.now() + Math.max(0, context.getRemainingTimeInMillis() - RESERVE_MS) }),
    );
    logger.info('Export step handled', { ...message, outcome: outcome.kind, ...('status' in outcome ? { status: outcome.status } : {}), ...('reason' in outcome ? { reason: outcome.reason } : {}) });
    if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') {
      await reportQueue().send([message], { delaySeconds: outcome.delaySeconds });
    }
    return true;
  } catch (err) {
    logger.error('Export step failed; the queue will retry', { ...message, messageId: record.messageId, error: err as Error });
    return false;
  }
}

/**
 * One scheduled alert evaluation (shared/alerts). In the scheduled quota lane: no permit is a wait
 * (the message comes back delayed), not a failure. Other failures are recorded on the alert; the
 * next slot tries again.
 */
async function handleAlert(message: AlertMessage): Promise<boolean> {
  const deps = defaultAlertDeps();
  try {
    const alert = await getAlert(deps, message.tenantId, message.alertId);
    const result = await withWork({ tenantId: message.tenantId, priority: 'scheduled' }, () => evaluateAlert(deps, alert));
    logger.info('Alert evaluated', { ...message, fired: result.fired, rowCount: result.rowCount, sameAsLast: result.sameAsLast === true });
  } catch (err) {
    if (err instanceof QuotaExhaustedError) {
      await reportQueue().send([message as unknown as QueueMessage], { delaySeconds: err.retryAfterSeconds });
      return true;
    }
    if (err instanceof AppError && err.code === 'alert_not_found') return true;
    logger.warn('Alert evaluation failed', { ...message, error: err as Error });
    await recordAlertError(deps, message.tenantId, message.alertId, (err as Error).message).catch(() => undefined);
  }
  return true;
}
