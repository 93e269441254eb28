/**
 * The SQS edge of the queue consumers: records in (body, identity, receive count), batch item
 * failures out, so a function's handler is only wiring (README "Layout").
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';

/** One received message as the workers (shared/workers) see it. */
export interface QueueRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** SQS ApproximateReceiveCount (1 on the first delivery). */
  receiveCount: number;
}

export function queueRecords(event: SQSEvent): QueueRecord[] {
  return event.Records.map((r) => ({
    messageId: r.messageId,
    receiptHandle: r.receiptHandle,
    body: r.body,
    receiveCount: Number(r.attributes?.ApproximateReceiveCount ?? 1),
  }));
}

/** ReportBatchItemFailures: SQS delivers these again; every other record is acknowledged. */
export function batchResponse(failedMessageIds: readonly string[]): SQSBatchResponse {
  return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
}
