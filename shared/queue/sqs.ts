/**
 * The report queue on SQS: batched sends (all or an error), backoff through the visibility timeout.
 * Every message carries `MessageGroupId = tenantId`: on a standard queue that makes it an SQS fair
 * queue, so one tenant's backlog of slow runs does not raise the dwell time of other tenants' runs.
 * The queue stays standard (not FIFO): no ordering or per-group serialisation is wanted.
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '../config.ts';
import type { QueueMessage, RunMessage } from './message.ts';
import { REPORT_QUEUE_SETTINGS, type Delivery, type ReportQueue } from './port.ts';

const SQS_BATCH = 10;
/** SQS caps a visibility timeout at 12 hours. */
const MAX_VISIBILITY_SECONDS = 43_200;

export class QueueSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueSendError';
  }
}

export function createSqsReportQueue(queueUrl: string, client: SQSClient, deadLetterUrl?: string): ReportQueue {
  return {
    async deadLetter(message: RunMessage, reason: string, receiveCount: number): Promise<void> {
      if (!deadLetterUrl) throw new ConfigError('REPORT_DLQ_URL is required to dead-letter a failed run.');
      await client.send(
        new SendMessageCommand({
          QueueUrl: deadLetterUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: {
            reason: { DataType: 'String', StringValue: reason.slice(0, 256) },
            receiveCount: { DataType: 'Number', StringValue: String(receiveCount) },
          },
        }),
      );
    },
    async send(messages: readonly QueueMessage[], options?: { delaySeconds?: number }): Promise<void> {
      const delay = Math.max(0, Math.min(REPORT_QUEUE_SETTINGS.maxDelaySeconds, Math.ceil(options?.delaySeconds ?? 0)));
      for (let i = 0; i < messages.length; i += SQS_BATCH) {
        const batch = messages.slice(i, i + SQS_BATCH);
        const res = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m), MessageGroupId: m.tenantId, ...(delay > 0 ? { DelaySeconds: delay } : {}) })),
          }),
        );
        if (res.Failed && res.Failed.length > 0) {
          const first = res.Failed[0]!;
          throw new QueueSendError(`SQS refused ${res.Failed.length} of ${batch.length} run messages (${first.Code}: ${first.Message ?? ''}).`);
        }
      }
    },
    async retryLater(delivery: Delivery, delaySeconds: number): Promise<void> {
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: queueUrl,
          ReceiptHandle: delivery.receiptHandle,
          VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(delaySeconds))),
        }),
      );
    },
  };
}
