/**
 * The report queue port: the dispatcher and "run now" send run messages; report-generate consumes
 * them. SQS in AWS (sqs.ts), an in-process stand-in with the same semantics on a laptop
 * (infra/local/queue.ts, registered with overrideReportQueue).
 */
import { consumerTiming } from '../topology/queues.ts';
import type { QueueMessage, RunMessage } from './message.ts';

/** A received message, as the consumer sees it (an SQS record's identity). */
export interface Delivery {
  messageId: string;
  receiptHandle: string;
}

export interface ReportQueue {
  /**
   * Sends every message or throws (nothing is silently dropped). `delaySeconds` (at most 900, SQS's
   * limit) holds them back: a run waiting for TikTok quota comes back as a new message, so the wait
   * spends none of its receives (docs/quota.md).
   */
  send(messages: readonly QueueMessage[], options?: { delaySeconds?: number }): Promise<void>;
  /** A run that failed for good: into the dead-letter queue with the reason (then the caller acknowledges it). */
  deadLetter(message: RunMessage, reason: string, receiveCount: number): Promise<void>;
  /** Makes a failed delivery come back after `delaySeconds` (backoff) instead of the default visibility timeout. */
  retryLater(delivery: Delivery, delaySeconds: number): Promise<void>;
}

/**
 * How the queue behaves, in AWS (read by the CDK stack for the queue, its DLQ and the event source
 * mapping) and locally (the stand-in): so both retry and bound concurrency the same way.
 */
export const REPORT_QUEUE_SETTINGS = {
  /**
   * report-generate, its timeout and the visibility timeout (6x it, shared/topology/queues.ts): a
   * running try is not redelivered. Not what brings a crashed try back: the dispatcher's lease sweep
   * does, sooner (shared/delivery/default-deps.ts RUN_LEASE_MS); a redelivery of a live run is skipped anyway.
   */
  ...consumerTiming('queue:consume'),
  /** Event source mapping maxConcurrency (AWS minimum is 2): report-generate runs at most this many slots at once. */
  maxConcurrency: 5,
  /** One slot per invocation: a slow report never holds back another's retry. */
  batchSize: 1,
  /** Receives before the message moves to the DLQ. */
  maxReceiveCount: 3,
  /** Backoff between tries: base * 2^(try-1), capped; a TikTok Retry-After wins when longer. */
  retryBaseSeconds: 30,
  retryMaxSeconds: 600,
  /** SQS's longest message delay: a longer quota wait is taken in several hops. */
  maxDelaySeconds: 900,
  /** DLQ retention: long enough to inspect and redrive. */
  dlqRetentionDays: 14,
} as const;
