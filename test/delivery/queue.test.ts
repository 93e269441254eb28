/**
 * The report queue: the local stand-in's SQS semantics (bounded concurrency, redelivery after the
 * requested delay, maxReceiveCount then the DLQ, receive counts on the records, fairness per tenant)
 * and the SQS adapter (batches of 10, a partial batch failure is an error, backoff through the
 * visibility timeout, MessageGroupId = tenant for SQS fair queues).
 */
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLocalReportQueue, type LocalReportQueue } from '../../infra/local/queue.ts';
import { createSqsReportQueue, parseRunMessage, QueueSendError, REPORT_QUEUE_SETTINGS } from '../../shared/queue/index.ts';

const msg = (i: number) => ({ tenantId: 'tn_1', scheduleId: `sch_${i}`, slot: '20300101T000000Z' });
const tick = () => new Promise((r) => setTimeout(r, 1));

let queue: LocalReportQueue | undefined;
afterEach(async () => {
  await queue?.close();
  queue = undefined;
});

describe('local report queue', () => {
  it('never runs more consumers at once than maxConcurrency, and delivers every message once', async () => {
    let inFlight = 0;
    let max = 0;
    const seen: string[] = [];
    queue = createLocalReportQueue(
      async (event: SQSEvent) => {
        inFlight += 1;
        max = Math.max(max, inFlight);
        expect(event.Records).toHaveLength(1);
        seen.push(JSON.parse(event.Records[0]!.body).scheduleId);
        await new Promise((r) => setTimeout(r, 3));
        inFlight -= 1;
      },
      { maxConcurrency: 3, delayScale: 0 },
    );
    await queue.send(Array.from({ length: 30 }, (_, i) => msg(i)));
    await queue.drain();
    expect(max).toBe(3);
    expect(queue.stats()).toMatchObject({ sent: 30, received: 30, maxInFlight: 3, inFlight: 0, pending: 0, deadLettered: 0 });
    expect(seen.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `sch_${i}`).sort());
  });

  it('redelivers a reported failure with a growing receive count, then dead-letters it', async () => {
    const counts: string[] = [];
    queue = createLocalReportQueue(
      async (event): Promise<SQSBatchResponse> => {
        const r = event.Records[0]!;
        counts.push(r.attributes.ApproximateReceiveCount);
        return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
      },
      { maxConcurrency: 2, maxReceiveCount: 3, delayScale: 0 },
    );
    await queue.send([msg(1)]);
    await queue.drain();
    expect(counts).toEqual(['1', '2', '3']);
    expect(queue.deadLetters).toHaveLength(1);
    expect(queue.deadLetters[0]).toMatchObject({ receiveCount: 3 });
    expect(parseRunMessage(queue.deadLetters[0]!.body)).toEqual(msg(1));
  });

  it('a consumer that throws is retried like a reported failure; success stops the retries', async () => {
    let calls = 0;
    queue = createLocalReportQueue(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('boom');
      },
      { delayScale: 0 },
    );
    await queue.send([msg(1)]);
    await queue.drain();
    expect(calls).toBe(2);
    expect(queue.deadLetters).toHaveLength(0);
  });

  it('holds a failed message for the delay the consumer asked for with retryLater (scaled)', async () => {
    const receivedAt: number[] = [];
    queue = createLocalReportQueue(
      async (event): Promise<SQSBatchResponse> => {
        receivedAt.push(performance.now());
        const r = event.Records[0]!;
        if (receivedAt.length === 1) {
          await queue!.retryLater({ messageId: r.messageId, receiptHandle: r.receiptHandle }, 40);
          return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
        }
        return { batchItemFailures: [] };
      },
      { delayScale: 0.001 }, // 40 s -> 40 ms
    );
    await queue.send([msg(1)]);
    await tick();
    expect(queue.stats().delayed).toBe(1);
    await queue.drain();
    expect(receivedAt).toHaveLength(2);
    expect(receivedAt[1]! - receivedAt[0]!).toBeGreaterThanOrEqual(35);
  });

  it('pause holds deliveries until resume; drain waits for them', async () => {
    let calls = 0;
    queue = createLocalReportQueue(async () => {
      calls += 1;
    });
    queue.pause();
    await queue.send([msg(1), msg(2)]);
    await tick();
    expect(calls).toBe(0);
    expect(queue.stats().pending).toBe(2);
    queue.resume();
    await queue.drain();
    expect(calls).toBe(2);
  });

  it('is fair per tenant: a quiet tenant\'s new message starts before a noisy tenant\'s queued backlog', async () => {
    // Tenant A queues 7 slow runs, then tenant B one fast run, with 2 slots: B must not wait for A's backlog.
    const started: string[] = [];
    const gates = new Map<string, () => void>();
    let releaseAll = false;
    queue = createLocalReportQueue(
      async (event) => {
        const { tenantId, scheduleId } = JSON.parse(event.Records[0]!.body) as { tenantId: string; scheduleId: string };
        started.push(scheduleId);
        if (tenantId === 'tn_b' || releaseAll) return;
        await new Promise<void>((resolve) => gates.set(scheduleId, resolve));
      },
      { maxConcurrency: 2, delayScale: 0 },
    );
    await queue.send(Array.from({ length: 7 }, (_, i) => ({ tenantId: 'tn_a', scheduleId: `a${i}`, slot: '20300101T000000Z' })));
    await vi.waitUntil(() => started.length === 2);
    await queue.send([{ tenantId: 'tn_b', scheduleId: 'b0', slot: '20300101T000000Z' }]);
    await tick();
    expect(started).toEqual(['a0', 'a1']); // both slots busy: B waits for a free one
    gates.get('a0')!();
    await vi.waitUntil(() => started.length >= 3); // B finishes at once, so A's 3rd may start right after it
    expect(started[2]).toBe('b0');

    releaseAll = true;
    for (const release of gates.values()) release();
    await vi.waitUntil(() => {
      for (const release of gates.values()) release(); // gates of runs started since
      return started.length === 8;
    });
    await queue.drain();
    // A's own runs keep their order.
    expect(started).toEqual(['a0', 'a1', 'b0', 'a2', 'a3', 'a4', 'a5', 'a6']);
  });

  it('refuses sends after close', async () => {
    queue = createLocalReportQueue(async () => undefined);
    await queue.close();
    await expect(queue.send([msg(1)])).rejects.toThrow(/closed/);
  });
});

describe('SQS report queue', () => {
  const sqsMock = mockClient(SQSClient);
  afterEach(() => sqsMock.reset());

  it('sends in batches of 10 with the message as the body', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const q = createSqsReportQueue('https://sqs.example/q', new SQSClient({ region: 'us-east-1' }));
    await q.send(Array.from({ length: 23 }, (_, i) => msg(i)));
    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls[0]!.args[0].input.QueueUrl).toBe('https://sqs.example/q');
    expect(JSON.parse(calls[2]!.args[0].input.Entries![2]!.MessageBody!)).toEqual(msg(22));
  });

  it('puts every message in its tenant\'s message group (SQS fair queue)', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const q = createSqsReportQueue('https://sqs.example/q', new SQSClient({ region: 'us-east-1' }));
    await q.send([msg(1), { ...msg(2), tenantId: 'tn_2' }, msg(3)]);
    const entries = sqsMock.commandCalls(SendMessageBatchCommand)[0]!.args[0].input.Entries!;
    expect(entries.map((e) => e.MessageGroupId)).toEqual(['tn_1', 'tn_2', 'tn_1']);
    // Fair queues are standard queues: no deduplication id (that would be FIFO only).
    expect(entries.every((e) => e.MessageDeduplicationId === undefined)).toBe(true);
  });

  it('a partially failed batch is an error, not a silent drop', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'x' }] });
    const q = createSqsReportQueue('https://sqs.example/q', new SQSClient({ region: 'us-east-1' }));
    await expect(q.send([msg(1), msg(2)])).rejects.toThrow(QueueSendError);
  });

  it('backs off through the visibility timeout, clamped to what SQS accepts', async () => {
    sqsMock.on(ChangeMessageVisibilityCommand).resolves({});
    const q = createSqsReportQueue('https://sqs.example/q', new SQSClient({ region: 'us-east-1' }));
    await q.retryLater({ messageId: 'm', receiptHandle: 'rh' }, 90.4);
    await q.retryLater({ messageId: 'm', receiptHandle: 'rh' }, 10 ** 9);
    expect(sqsMock.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.example/q', ReceiptHandle: 'rh', VisibilityTimeout: 90 },
      { QueueUrl: 'https://sqs.example/q', ReceiptHandle: 'rh', VisibilityTimeout: 43_200 },
    ]);
  });

  it('parses run messages strictly', () => {
    expect(parseRunMessage(JSON.stringify(msg(1)))).toEqual(msg(1));
    expect(parseRunMessage('not json')).toBeUndefined();
    expect(parseRunMessage(JSON.stringify({ ...msg(1), extra: 1 }))).toBeUndefined();
    expect(parseRunMessage(JSON.stringify({ tenantId: 'tn_1' }))).toBeUndefined();
  });

  it('the settings keep a running try from being delivered twice', () => {
    // Visibility must outlast report-generate's timeout (300 s) so SQS does not hand a running try to a second consumer.
    expect(REPORT_QUEUE_SETTINGS.visibilityTimeoutSeconds).toBeGreaterThan(300);
    expect(REPORT_QUEUE_SETTINGS.maxConcurrency).toBeGreaterThanOrEqual(2); // the AWS minimum for maxConcurrency
  });
});

describe('local report queue persistence', () => {
  it('messages not yet done and dead letters survive a restart', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'tkc-queue-'));
    const persistFile = path.join(dir, 'report-queue.json');
    try {
      const first = createLocalReportQueue(
        async (event): Promise<SQSBatchResponse> => ({ batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] }),
        { delayScale: 0, maxReceiveCount: 1, persistFile },
      );
      await first.send([msg(1)]);
      await first.drain(); // dead-lettered after one receive
      first.pause();
      await first.send([msg(2), msg(3)]);
      await first.close();

      const seen: string[] = [];
      queue = createLocalReportQueue(
        async (event) => {
          seen.push(JSON.parse(event.Records[0]!.body).scheduleId);
        },
        { delayScale: 0, persistFile },
      );
      await queue.drain();
      expect(seen.sort()).toEqual(['sch_2', 'sch_3']);
      expect(queue.deadLetters.map((d) => parseRunMessage(d.body)?.scheduleId)).toEqual(['sch_1']);
      await queue.close();
      // Done messages are not delivered a third time.
      const third: string[] = [];
      queue = createLocalReportQueue(async (event) => void third.push(event.Records[0]!.body), { delayScale: 0, persistFile });
      await queue.drain();
      expect(third).toEqual([]);
      await queue.close();
      queue = undefined;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
