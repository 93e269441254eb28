/**
 * In-process stand-in for the report queue (SQS + DLQ + the event source mapping), with the same
 * semantics as in AWS (shared/queue REPORT_QUEUE_SETTINGS):
 *   - at most `maxConcurrency` consumer invocations in flight, one record each;
 *   - a record reported in batchItemFailures (or a consumer that throws) comes back after the delay
 *     the consumer asked for with retryLater, else after the visibility timeout;
 *   - after `maxReceiveCount` receives a failing record moves to the dead-letter list, which tests
 *     and `npm start` users can inspect.
 *   - fair per tenant, like an SQS fair queue (MessageGroupId = tenantId, shared/queue/sqs.ts): ready
 *     messages wait in one FIFO lane per tenant, and a free slot goes to the lane served least
 *     recently, so a quiet tenant's new message starts before a noisy tenant's queued backlog.
 * Delays are real time multiplied by `delayScale` (0 in tests: retries come back at once).
 * With `persistFile` (npm start: DATA_DIR/report-queue.json) every message not yet done and the
 * dead letters survive a restart, like SQS: messages that were in flight come back as received once.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../../shared/logger.ts';
import { REPORT_QUEUE_SETTINGS, type Delivery, type QueueMessage, type ReportQueue, type RunMessage } from '../../shared/queue/index.ts';

export interface LocalQueueOptions {
  maxConcurrency?: number;
  maxReceiveCount?: number;
  /**
   * When a failed delivery comes back unless the consumer asked for another delay (retryLater): the
   * queue's visibility timeout, the same number the stack gives SQS (shared/topology/queues.ts).
   */
  visibilityTimeoutSeconds?: number;
  /** Multiplies every delay; 1 = the real seconds, 0 = immediately. */
  delayScale?: number;
  /** Keep the queue's state in this JSON file (written after changes, read at creation). */
  persistFile?: string;
  /**
   * The app clock: a message sent with `delaySeconds` becomes visible once this clock has moved that
   * far (tests move it by hand; `npm start` runs on the system clock). Default Date.now.
   */
  now?: () => number;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  lastError?: string;
  deadLetteredAt: string;
}

export interface LocalQueueStats {
  sent: number;
  received: number;
  inFlight: number;
  /** Highest number of consumer invocations in flight at once since the last reset. */
  maxInFlight: number;
  pending: number;
  delayed: number;
  deadLettered: number;
}

export interface LocalReportQueue extends ReportQueue {
  readonly deadLetters: readonly DeadLetter[];
  stats(): LocalQueueStats;
  resetStats(): void;
  /** Holds deliveries (sends still queue up) until resume(): lets tests line up duplicates. */
  pause(): void;
  resume(): void;
  /** Resolves once nothing is pending, waiting for a retry or in flight (a paused queue with pending messages never drains). */
  drain(): Promise<void>;
  /** Stops redeliveries and waits for the invocations in flight. */
  close(): Promise<void>;
}

interface Message {
  messageId: string;
  /** The fairness key: the run message's tenantId ('' when the body has none). */
  group: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  receiptHandle?: string;
  /** Set by retryLater for the current receipt. */
  retryDelayMs?: number;
}

/**
 * Only tenantId is read (not the strict message schema), so fields added to the message later never
 * change how it is grouped.
 */
function groupOf(body: string): string {
  try {
    const tenantId = (JSON.parse(body) as { tenantId?: unknown } | null)?.tenantId;
    return typeof tenantId === 'string' ? tenantId : '';
  } catch {
    return '';
  }
}

/**
 * Ready messages: a FIFO lane per group; shift() takes from the lane served least recently (a new
 * lane counts as never served). Empty lanes are dropped, so memory follows the ready messages.
 */
class FairLanes {
  private readonly lanes = new Map<string, { messages: Message[]; lastServed: number }>();
  private served = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(m: Message): void {
    let lane = this.lanes.get(m.group);
    if (!lane) {
      lane = { messages: [], lastServed: 0 };
      this.lanes.set(m.group, lane);
    }
    lane.messages.push(m);
    this.count += 1;
  }

  shift(): Message | undefined {
    let pick: { group: string; lane: { messages: Message[]; lastServed: number } } | undefined;
    // Map order breaks ties: among never-served lanes, the oldest lane first.
    for (const [group, lane] of this.lanes) if (!pick || lane.lastServed < pick.lane.lastServed) pick = { group, lane };
    if (!pick) return undefined;
    const m = pick.lane.messages.shift()!;
    this.count -= 1;
    pick.lane.lastServed = ++this.served;
    if (pick.lane.messages.length === 0) this.lanes.delete(pick.group);
    return m;
  }
}

export type QueueConsumer = (event: SQSEvent) => Promise<SQSBatchResponse | void>;

function sqsRecord(m: Message): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle!,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:report-queue',
    awsRegion: 'local',
  };
}

export function createLocalReportQueue(consume: QueueConsumer, options: LocalQueueOptions = {}): LocalReportQueue {
  const maxConcurrency = options.maxConcurrency ?? REPORT_QUEUE_SETTINGS.maxConcurrency;
  const maxReceiveCount = options.maxReceiveCount ?? REPORT_QUEUE_SETTINGS.maxReceiveCount;
  const visibilityTimeoutMs = (options.visibilityTimeoutSeconds ?? REPORT_QUEUE_SETTINGS.visibilityTimeoutSeconds) * 1000;
  const scale = options.delayScale ?? 1;
  const ready = new FairLanes();
  const byReceipt = new Map<string, Message>();
  const timers = new Set<NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  const deadLetters: DeadLetter[] = [];
  /** Every message not yet deleted or dead-lettered: pending, delayed or in flight. */
  const live = new Set<Message>();
  let waiters: Array<() => void> = [];
  let closed = false;
  let paused = false;
  const counters = { sent: 0, received: 0, maxInFlight: 0 };

  // Persistence: writes coalesce (one per tick at most) and run one after another (tmp file + rename).
  let writeScheduled = false;
  let writing: Promise<void> = Promise.resolve();
  const persist = () => {
    if (!options.persistFile || writeScheduled) return;
    writeScheduled = true;
    setImmediate(() => {
      writeScheduled = false;
      const file = options.persistFile!;
      const state = JSON.stringify({
        messages: [...live].map((m) => ({ messageId: m.messageId, body: m.body, sentAt: m.sentAt, receiveCount: m.receiveCount })),
        deadLetters,
      });
      writing = writing
        .then(() => writeFile(`${file}.tmp`, state))
        .then(() => rename(`${file}.tmp`, file))
        .catch((err: unknown) => logger.error('Could not save the local report queue', { error: err as Error }));
    });
  };
  if (options.persistFile && existsSync(options.persistFile)) {
    const saved = JSON.parse(readFileSync(options.persistFile, 'utf8')) as { messages?: Message[]; deadLetters?: DeadLetter[] };
    for (const m of saved.messages ?? []) {
      const message: Message = { messageId: m.messageId, group: groupOf(m.body), body: m.body, sentAt: m.sentAt, receiveCount: m.receiveCount };
      live.add(message);
      ready.push(message);
    }
    deadLetters.push(...(saved.deadLetters ?? []));
    if (ready.size > 0) queueMicrotask(() => pump());
  }

  /** Sent with a delay: visible once the app clock reaches `visibleAt` (not counted by drain until then). */
  const parked = new Map<Message, number>();
  const appNow = options.now ?? Date.now;
  let parkTimer: NodeJS.Timeout | undefined;
  const releaseDue = () => {
    const now = appNow();
    let released = false;
    for (const [m, visibleAt] of parked) {
      if (visibleAt > now) continue;
      parked.delete(m);
      ready.push(m);
      released = true;
    }
    if (released) pump();
  };
  const watchParked = () => {
    if (parkTimer || parked.size === 0 || closed) return;
    // Polls: the app clock may be a test's, which moves without telling anybody.
    parkTimer = setTimeout(() => {
      parkTimer = undefined;
      releaseDue();
      watchParked();
    }, Math.max(10, 250 * Math.min(1, scale)));
    parkTimer.unref?.();
  };

  const idle = () => ready.size === 0 && timers.size === 0 && running.size === 0;
  const settle = () => {
    if (!idle()) return;
    const w = waiters;
    waiters = [];
    w.forEach((resolve) => resolve());
  };

  const redeliverLater = (m: Message, delayMs: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (closed) return settle();
      ready.push(m);
      pump();
    }, Math.max(0, delayMs * scale));
    timers.add(t);
  };

  const afterReceive = (m: Message, failed: boolean, error?: string) => {
    if (m.receiptHandle) byReceipt.delete(m.receiptHandle);
    persist();
    if (!failed) {
      live.delete(m);
      return;
    }
    if (m.receiveCount >= maxReceiveCount) {
      live.delete(m);
      deadLetters.push({ messageId: m.messageId, body: m.body, receiveCount: m.receiveCount, lastError: error, deadLetteredAt: new Date().toISOString() });
      logger.warn('Report run message dead-lettered', { messageId: m.messageId, receiveCount: m.receiveCount });
      return;
    }
    redeliverLater(m, m.retryDelayMs ?? visibilityTimeoutMs);
  };

  function pump(): void {
    while (!closed && !paused && running.size < maxConcurrency && ready.size > 0) {
      const m = ready.shift()!;
      m.receiveCount += 1;
      m.firstReceiveAt ??= Date.now();
      m.receiptHandle = randomUUID();
      m.retryDelayMs = undefined;
      byReceipt.set(m.receiptHandle, m);
      persist();
      counters.received += 1;
      const p: Promise<void> = consume({ Records: [sqsRecord(m)] })
        .then((res) => afterReceive(m, (res?.batchItemFailures ?? []).some((f) => f.itemIdentifier === m.messageId)))
        .catch((err: unknown) => afterReceive(m, true, (err as Error)?.message))
        .finally(() => {
          running.delete(p);
          pump();
          settle();
        });
      running.add(p);
      counters.maxInFlight = Math.max(counters.maxInFlight, running.size);
    }
    settle();
  }

  return {
    async send(messages: readonly QueueMessage[], sendOptions?: { delaySeconds?: number }): Promise<void> {
      if (closed) throw new Error('The local report queue is closed.');
      const delayMs = Math.min(REPORT_QUEUE_SETTINGS.maxDelaySeconds, Math.max(0, sendOptions?.delaySeconds ?? 0)) * 1000;
      for (const message of messages) {
        const m: Message = { messageId: randomUUID(), group: message.tenantId, body: JSON.stringify(message), sentAt: Date.now(), receiveCount: 0 };
        live.add(m);
        if (delayMs > 0) parked.set(m, appNow() + delayMs);
        else ready.push(m);
        counters.sent += 1;
      }
      watchParked();
      persist();
      // Like SQS, sending never waits for the consumer.
      queueMicrotask(pump);
    },
    async deadLetter(message: RunMessage, reason: string, receiveCount: number): Promise<void> {
      deadLetters.push({ messageId: randomUUID(), body: JSON.stringify(message), receiveCount, lastError: reason, deadLetteredAt: new Date().toISOString() });
      persist();
    },
    async retryLater(delivery: Delivery, delaySeconds: number): Promise<void> {
      const m = byReceipt.get(delivery.receiptHandle);
      if (m) m.retryDelayMs = Math.max(0, delaySeconds) * 1000;
    },
    get deadLetters() {
      return deadLetters;
    },
    stats: () => ({
      sent: counters.sent,
      received: counters.received,
      inFlight: running.size,
      maxInFlight: counters.maxInFlight,
      pending: ready.size,
      delayed: timers.size + parked.size,
      deadLettered: deadLetters.length,
    }),
    resetStats: () => {
      counters.sent = 0;
      counters.received = 0;
      counters.maxInFlight = running.size;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      pump();
    },
    // Messages sent with a delay that the app clock has not reached yet are not waited for.
    drain: () =>
      new Promise<void>((resolve) => {
        releaseDue();
        waiters.push(resolve);
        // A send's pump is a microtask away: look again after it.
        queueMicrotask(settle);
      }),
    close: async () => {
      closed = true;
      timers.forEach(clearTimeout);
      if (parkTimer) clearTimeout(parkTimer);
      timers.clear();
      await Promise.allSettled([...running]);
      // Last save: whatever is still live comes back at the next start.
      persist();
      await new Promise((r) => setImmediate(r));
      await writing;
      settle();
    },
  };
}
