/**
 * The report queue: one public entry. `reportQueue()` is the stand-in registered by the local
 * runtime when there is one, else SQS at REPORT_QUEUE_URL (created on first use, never at import).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../config.ts';
import { appContext } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';
import { createSqsReportQueue } from './sqs.ts';
import type { ReportQueue } from './port.ts';

export { parseRunMessage, parseExportMessage, parseAlertMessage, type RunMessage, type ExportMessage, type AlertMessage, type QueueMessage } from './message.ts';
export { REPORT_QUEUE_SETTINGS, type Delivery, type ReportQueue } from './port.ts';
export { createSqsReportQueue, QueueSendError } from './sqs.ts';

let override: ReportQueue | undefined;
let sqsQueue: ReportQueue | undefined;
registerCache('queue.reports', { clear: () => (sqsQueue = undefined) });

/** The local runtime and tests plug their queue in here; `undefined` goes back to SQS. */
export function overrideReportQueue(queue: ReportQueue | undefined): void {
  override = queue;
}

export function reportQueue(): ReportQueue {
  if (override) return override;
  if (!sqsQueue) {
    const { config } = appContext();
    if (!config.reportQueueUrl) throw new ConfigError('REPORT_QUEUE_URL is required to queue report runs.');
    sqsQueue = createSqsReportQueue(config.reportQueueUrl, new SQSClient({ region: config.region }), config.reportDlqUrl);
  }
  return sqsQueue;
}
