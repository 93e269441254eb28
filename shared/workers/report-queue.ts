/**
 * The report queue's consumer (report-generate): each record is a scheduled run, an export step or
 * an alert evaluation; this module decides what becomes of each, the function only wires it.
 *
 *   run     executeRun (shared/delivery), then applies its outcome to the queue: a quota wait is a
 *           new delayed message (no receive spent), a retry comes back after its backoff (a batch
 *           item failure; after maxReceiveCount receives SQS moves it to the DLQ), a transient
 *           failure to the end is dead-lettered explicitly; a finished run is acknowledged.
 *   export  runExportJob (shared/exports): its next step is a new message, so the record is acknowledged.
 *   alert   evaluateAlert (shared/alerts): no permit is a delayed re-send; other failures are
 *           recorded on the alert and the next slot tries again.
 */
import type { AlertDeps } from '../alerts/alerts.ts';
import { evaluateAlert, getAlert, recordAlertError } from '../alerts/alerts.ts';
import { executeRun, type DeliveryDeps } from '../delivery/execute-run.ts';
import { notifyRunOutcome } from '../delivery/run-events.ts';
import { NotFoundError } from '../errors.ts';
import { runExportJob, type ExportJobDeps } from '../exports/job.ts';
import { parseSnapshotMessage } from '../history/index.ts';
import type { QueueRecord } from '../lambda/sqs.ts';
import { logger } from '../logger.ts';
import { QuotaExhaustedError } from '../quota/errors.ts';
import { withWork } from '../quota/work.ts';
import { parseAlertMessage, parseExportMessage, parseRunMessage, type AlertMessage, type ExportMessage, type ReportQueue, type RunMessage } from '../queue/index.ts';
import type { DownloadSigner } from '../store/download.ts';

/** Time kept back from the Lambda timeout to render, write and record after the last TikTok page. */
const RESERVE_MS = 30_000;

export interface ReportWorkerDeps {
  delivery: DeliveryDeps;
  /** Built per export step: it reads the export settings of the environment (job-deps.ts). */
  exportJob(): ExportJobDeps;
  alerts: AlertDeps;
  queue(): ReportQueue;
  /** Download links in run.succeeded events (the signer caches itself: shared/store/download.ts). */
  signer(): DownloadSigner | undefined;
}

export interface ReportBatchResult {
  /** Records SQS should deliver again. */
  failed: string[];
  counts: { ReportRunsHandled: number; ReportRunsRetried: number };
}

/** `remainingMs`: the invocation's time left (Lambda's getRemainingTimeInMillis). */
export async function consumeReportBatch(deps: ReportWorkerDeps, records: readonly QueueRecord[], remainingMs: () => number): Promise<ReportBatchResult> {
  const failed: string[] = [];
  for (const record of records) {
    const deadlineMs = Date.now() + Math.max(0, remainingMs() - RESERVE_MS);
    if (!(await consumeRecord(deps, record, deadlineMs))) failed.push(record.messageId);
  }
  return { failed, counts: { ReportRunsHandled: records.length - failed.length, ReportRunsRetried: failed.length } };
}

/** False: SQS should deliver the record again. */
async function consumeRecord(deps: ReportWorkerDeps, record: QueueRecord, deadlineMs: number): Promise<boolean> {
  const exportMessage = parseExportMessage(record.body);
  if (exportMessage) return handleExport(deps, exportMessage, record, deadlineMs);
  const alertMessage = parseAlertMessage(record.body);
  if (alertMessage) return handleAlert(deps, alertMessage);
  const message = parseRunMessage(record.body);
  if (!message) {
    logger.error('Malformed run message; it will end in the DLQ', { messageId: record.messageId });
    return false;
  }
  return handleRun(deps, message, record, deadlineMs);
}

async function handleRun(deps: ReportWorkerDeps, message: RunMessage, record: QueueRecord, deadlineMs: number): Promise<boolean> {
  try {
    // Legacy `snapshot:<datasourceId>` messages (before the capture lane): acknowledged, no work;
    // the due index queues those captures on the capture queue (functions/history-capture).
    if (parseSnapshotMessage(message)) {
      logger.info('Legacy snapshot message acknowledged; captures run on the capture queue', { ...message });
      return true;
    }
    // Deliveries take the scheduled lane of the TikTok quota (docs/quota.md).
    const outcome = await withWork({ tenantId: message.tenantId, priority: 'scheduled' }, () =>
      executeRun(deps.delivery, message, { receiveCount: record.receiveCount, deadline: deadlineMs }),
    );
    logger.info('Run handled', { ...message, outcome: outcome.kind, ...('reason' in outcome ? { reason: outcome.reason } : {}) });
    // run.succeeded / run.failed webhooks (docs/webhooks.md); never fails the run.
    await notifyRunOutcome({ ...deps.delivery, signer: deps.signer() }, message, outcome);
    if (outcome.kind === 'wait') {
      // Waiting for TikTok quota spends no receive: the run comes back as a new, delayed message.
      await deps.queue().send([message], { delaySeconds: outcome.delaySeconds });
    } else if (outcome.kind === 'retry') {
      await deps.queue().retryLater({ messageId: record.messageId, receiptHandle: record.receiptHandle }, outcome.delaySeconds);
      return false;
    } else if (outcome.kind === 'failed' && outcome.retryable) {
      // Transient to the end: the run says failed, and its message goes to the DLQ. Sent there
      // explicitly: after quota waits the message is a re-send with a receive count of its own.
      await deps.queue().deadLetter(message, outcome.error.code, record.receiveCount);
    }
    return true;
  } catch (err) {
    // Recording the outcome itself failed (e.g. DynamoDB down): the queue delivers it again.
    logger.error('Run handling failed; the queue will retry', { ...message, error: err as Error });
    return false;
  }
}

/**
 * One step of an export (shared/exports/job.ts). Its next step (continuation, quota wait, retry) is
 * a new message, so this one is acknowledged; false only when the job's own bookkeeping or the send failed.
 */
async function handleExport(deps: ReportWorkerDeps, message: ExportMessage, record: QueueRecord, deadlineMs: number): Promise<boolean> {
  try {
    const jobDeps = deps.exportJob();
    // Exports take the scheduled lane, not background: a person asked for this file and waits for it, as for a
    // delivery; background is the service's own housekeeping (snapshots), which may wait hours. A short permit wait,
    // then the message is re-sent later rather than holding a worker.
    const outcome = await withWork({ tenantId: message.tenantId, priority: 'scheduled', maxWaitMs: 1_000 }, () => runExportJob(jobDeps, message, { deadlineMs }));
    logger.info('Export step handled', { ...message, outcome: outcome.kind, ...('status' in outcome ? { status: outcome.status } : {}), ...('reason' in outcome ? { reason: outcome.reason } : {}) });
    if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') {
      await deps.queue().send([message], { delaySeconds: outcome.delaySeconds });
    }
    return true;
  } catch (err) {
    logger.error('Export step failed; the queue will retry', { ...message, messageId: record.messageId, error: err as Error });
    return false;
  }
}

/** One scheduled alert evaluation, in the scheduled quota lane. Always acknowledged. */
async function handleAlert(deps: ReportWorkerDeps, message: AlertMessage): Promise<boolean> {
  try {
    const alert = await getAlert(deps.alerts, message.tenantId, message.alertId);
    const result = await withWork({ tenantId: message.tenantId, priority: 'scheduled' }, () => evaluateAlert(deps.alerts, alert));
    logger.info('Alert evaluated', { ...message, fired: result.fired, rowCount: result.rowCount, sameAsLast: result.sameAsLast === true });
  } catch (err) {
    if (err instanceof QuotaExhaustedError) {
      await deps.queue().send([message], { delaySeconds: err.retryAfterSeconds });
      return true;
    }
    // Deleted since it was queued: nothing to evaluate.
    if (err instanceof NotFoundError && err.code === 'alert_not_found') return true;
    logger.warn('Alert evaluation failed', { ...message, error: err as Error });
    await recordAlertError(deps.alerts, message.tenantId, message.alertId, (err as Error).message).catch(() => undefined);
  }
  return true;
}
