/**
 * In-process stand-in for the capture queue (SQS + DLQ + event source of history-capture): the
 * report queue's stand-in (queue.ts) with CAPTURE_QUEUE_SETTINGS, plus SQS's DelaySeconds on send
 * (a capture waiting for quota or continuing sends a delayed message). Delays are real time times
 * `delayScale` (0: at once).
 */
import { CAPTURE_QUEUE_SETTINGS, type CaptureMessage, type CaptureQueue } from '../../shared/queue/capture.ts';
import type { RunMessage } from '../../shared/queue/index.ts';
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
    ...options,
  });
  const scale = options.delayScale ?? 1;
  const timers = new Map<NodeJS.Timeout, Promise<void>>();
  let closed = false;
  // The inner queue carries any JSON body; the capture consumer parses its own schema.
  const asRun = (messages: readonly CaptureMessage[]) => messages as unknown as readonly RunMessage[];
  return {
    inner,
    get delayed() {
      return timers.size;
    },
    async send(messages, opts) {
      if (closed) throw new Error('The local capture queue is closed.');
      const delayMs = Math.min(CAPTURE_QUEUE_SETTINGS.maxDelaySeconds, Math.max(0, opts?.delaySeconds ?? 0)) * 1000 * scale;
      if (delayMs <= 0) return inner.send(asRun(messages));
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) void inner.send(asRun(messages)).catch(() => undefined);
        release();
      }, delayMs);
      timers.set(t, done);
      return undefined;
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
