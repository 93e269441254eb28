/**
 * In-process stand-in for the webhook queue (SQS + DLQ + webhook-deliver's event source): the report
 * queue's stand-in (queue.ts) with WEBHOOK_QUEUE_SETTINGS, plus DelaySeconds on send (a retry is a
 * delayed message; delayed-sends.ts).
 */
import type { RunMessage } from '../../shared/queue/index.ts';
import { WEBHOOK_QUEUE_SETTINGS, type WebhookQueue } from '../../shared/webhooks/queue.ts';
import { delayedSends } from './delayed-sends.ts';
import { createLocalReportQueue, type LocalQueueOptions, type LocalReportQueue, type QueueConsumer } from './queue.ts';

export interface LocalWebhookQueue extends WebhookQueue {
  readonly inner: LocalReportQueue;
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function createLocalWebhookQueue(consume: QueueConsumer, options: LocalQueueOptions = {}): LocalWebhookQueue {
  const inner = createLocalReportQueue(consume, {
    maxConcurrency: WEBHOOK_QUEUE_SETTINGS.maxConcurrency,
    maxReceiveCount: WEBHOOK_QUEUE_SETTINGS.maxReceiveCount,
    visibilityTimeoutSeconds: WEBHOOK_QUEUE_SETTINGS.visibilityTimeoutSeconds,
    ...options,
  });
  const sends = delayedSends(inner, { maxDelaySeconds: WEBHOOK_QUEUE_SETTINGS.maxDelaySeconds, scale: options.delayScale ?? 1 });
  return {
    inner,
    send: (message, opts) => sends.send([message], opts?.delaySeconds, 'webhook'),
    async deadLetter(message, reason) {
      await inner.deadLetter(message as unknown as RunMessage, reason, 'attempt' in message ? message.attempt : 0);
    },
    drain: sends.drain,
    close: sends.close,
  };
}
