/**
 * In-process stand-in for the capture queue (SQS + DLQ + event source of history-capture): the
 * report queue's stand-in (queue.ts) with CAPTURE_QUEUE_SETTINGS, plus SQS's DelaySeconds on send
 * (a capture waiting for quota or continuing sends a delayed message; delayed-sends.ts).
 */
import { CAPTURE_QUEUE_SETTINGS, type CaptureQueue } from '../../shared/queue/capture.ts';
import { delayedSends } from './delayed-sends.ts';
import { createLocalReportQueue, type LocalQueueOptions, type LocalReportQueue, type QueueConsumer } from './queue.ts';

export interface LocalCaptureQueue extends CaptureQueue {
  readonly inner: LocalReportQueue;
  /** Messages sent with a delay that have not reached the queue yet. */
  readonly delayed: number;
  /** Resolves once nothing is delayed, pending or in flight. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export function createLocalCaptureQueue(consume: QueueConsumer, options: LocalQueueOptions = {}): LocalCaptureQueue {
  const inner = createLocalReportQueue(consume, {
    maxConcurrency: CAPTURE_QUEUE_SETTINGS.maxConcurrency,
    maxReceiveCount: CAPTURE_QUEUE_SETTINGS.maxReceiveCount,
    visibilityTimeoutSeconds: CAPTURE_QUEUE_SETTINGS.visibilityTimeoutSeconds,
    ...options,
  });
  const sends = delayedSends(inner, { maxDelaySeconds: CAPTURE_QUEUE_SETTINGS.maxDelaySeconds, scale: options.delayScale ?? 1 });
  return {
    inner,
    get delayed() {
      return sends.delayed;
    },
    send: (messages, opts) => sends.send(messages, opts?.delaySeconds, 'capture'),
    drain: sends.drain,
    close: sends.close,
  };
}
