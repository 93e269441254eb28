/**
 * The capture queue's consumer (history-capture): one daily snapshot capture per message
 * (shared/history/capture-job.ts). A capture that reaches its deadline, waits for TikTok quota or
 * retries a real failure sends its next message (delayed, with its own attempt counter) and
 * acknowledges this one: SQS's receive count only grows when an invocation crashed.
 */
import type { CaptureJobDeps } from '../history/capture-job.ts';
import { runCaptureJob } from '../history/capture-job.ts';
import { SNAPSHOT_METRICS } from '../history/metrics.ts';
import type { QueueRecord } from '../lambda/sqs.ts';
import { logger } from '../logger.ts';
import { CAPTURE_QUEUE_SETTINGS, parseCaptureMessage, type CaptureQueue } from '../queue/capture.ts';

export interface CaptureWorkerDeps {
  /** Built per capture: the lake hook reads its storage from the environment (shared/lake/config.ts). */
  captureJob(onLakeWriteFailed: () => void): CaptureJobDeps;
  queue(): CaptureQueue;
}

export interface CaptureBatchResult {
  failed: string[];
  counts: Record<string, number>;
}

export async function consumeCaptureBatch(deps: CaptureWorkerDeps, records: readonly QueueRecord[], remainingMs: () => number): Promise<CaptureBatchResult> {
  const failed: string[] = [];
  let daysLost = 0;
  let lakeWriteFailed = 0;
  for (const record of records) {
    const message = parseCaptureMessage(record.body);
    if (!message) {
      logger.error('Malformed capture message; it will end in the DLQ', { messageId: record.messageId });
      failed.push(record.messageId);
      continue;
    }
    try {
      const jobDeps = deps.captureJob(() => {
        lakeWriteFailed += 1;
      });
      const deadlineMs = jobDeps.now() + Math.max(0, remainingMs() - CAPTURE_QUEUE_SETTINGS.reserveMs);
      const outcome = await runCaptureJob(jobDeps, message, { deadlineMs });
      logger.info('Capture handled', { datasourceId: message.datasourceId, day: message.day, outcome: outcome.kind, calls: outcome.calls, ...('status' in outcome ? { status: outcome.status } : {}) });
      if (outcome.kind === 'continue' || outcome.kind === 'wait' || outcome.kind === 'retry') {
        await deps.queue().send([outcome.message], { delaySeconds: outcome.delaySeconds });
      } else if (outcome.kind === 'failed' && outcome.lostDay) {
        daysLost += 1;
      }
    } catch (err) {
      // The job's own bookkeeping failed (store down) or the next message could not be sent: SQS delivers it again.
      logger.error('Capture handling failed; the queue will retry', { datasourceId: message.datasourceId, day: message.day, error: err as Error });
      failed.push(record.messageId);
    }
  }
  // SnapshotCaptureRetries zeros too; the others only when they happened (as each alarm expects).
  const counts: Record<string, number> = { SnapshotCaptureRetries: failed.length };
  if (daysLost > 0) counts[SNAPSHOT_METRICS.daysLost] = daysLost;
  if (lakeWriteFailed > 0) counts[SNAPSHOT_METRICS.lakeWriteFailed] = lakeWriteFailed;
  return { failed, counts };
}
