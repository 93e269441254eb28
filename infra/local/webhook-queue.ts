/**
 * In-process stand-in for the webhook queue (SQS + DLQ + webhook-deliver's event source): the report
 * queue's stand-in (queue.ts) with WEBHOOK_QUEUE_SETTINGS, plus DelaySeconds on send (a retry is a
 * delayed message). Delays are real time times `delayScale`.
 */
import type { RunMessage } from '../../shared/queue/index.ts';
import { WEBHOOK_QUEUE_SETTINGS, type WebhookMessage, type WebhookQueue } from '../../shared/webhooks/queue.ts';
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
    ...options,
  });
  const scale = options.delayScale ?? 1;
  const timers = new Map<NodeJS.Timeout, Promise<void>>();
  let closed = false;
  // The inner queue carries any JSON body with a tenantId (its fairness key).
  const asRun = (m: WebhookMessage) => [m as unknown as RunMessage];
  return {
    inner,
    async send(message, opts) {
      if (closed) throw new Error('The local webhook queue is closed.');
      const delayMs = Math.min(WEBHOOK_QUEUE_SETTINGS.maxDelaySeconds, Math.max(0, opts?.delaySeconds ?? 0)) * 1000 * scale;
      if (delayMs <= 0) return inner.send(asRun(message));
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) void inner.send(asRun(message)).catch(() => undefined);
        release();
      }, delayMs);
      timers.set(t, done);
    },
    async deadLetter(message, reason) {
      await inner.deadLetter(message as unknown as RunMessage, reason, 'attempt' in message ? message.attempt : 0);
    },
    async drain() {
      for (;;) {
        await inner.drain();
        if (timers.size === 0) return;
        await Promise.all(timers.values());
      }
    },
    async close() {
      closed = true;
      for (const t of timers.keys()) clearTimeout(t);
      timers.clear();
      await inner.close();
    },
  };
}
