/**
 * Real-time delayed sends in front of a local queue stand-in (SQS's DelaySeconds, times `scale`;
 * 0 = at once), for the stand-ins whose consumers re-send their own retries (capture, webhook).
 * `drain` waits for the delayed sends as well as the queue; `close` drops those not yet sent.
 */
import type { RunMessage } from '../../shared/queue/index.ts';
import type { LocalReportQueue } from './queue.ts';

export function delayedSends(inner: LocalReportQueue, opts: { maxDelaySeconds: number; scale: number }) {
  const timers = new Map<NodeJS.Timeout, Promise<void>>();
  let closed = false;
  return {
    get delayed(): number {
      return timers.size;
    },
    /** `messages` are any JSON bodies with a tenantId (the inner queue's fairness key). */
    async send(messages: readonly unknown[], delaySeconds: number | undefined, what: string): Promise<void> {
      if (closed) throw new Error(`The local ${what} queue is closed.`);
      const bodies = messages as readonly RunMessage[];
      const delayMs = Math.min(opts.maxDelaySeconds, Math.max(0, delaySeconds ?? 0)) * 1000 * opts.scale;
      if (delayMs <= 0) return inner.send(bodies);
      let release!: () => void;
      const done = new Promise<void>((r) => (release = r));
      const t = setTimeout(() => {
        timers.delete(t);
        if (!closed) void inner.send(bodies).catch(() => undefined);
        release();
      }, delayMs);
      timers.set(t, done);
    },
    async drain(): Promise<void> {
      for (;;) {
        await inner.drain();
        if (timers.size === 0) return;
        await Promise.all(timers.values());
      }
    },
    async close(): Promise<void> {
      closed = true;
      for (const t of timers.keys()) clearTimeout(t);
      timers.clear();
      await inner.close();
    },
  };
}
