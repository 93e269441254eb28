/**
 * The capture queue: the background lane of the daily snapshots (shared/history), separate from
 * the report queue so captures never delay scheduled deliveries. Its own settings (read by the CDK
 * stack and the local stand-in), its own message (with its own attempt counter: a wait for quota or
 * a deadline continuation is a new, delayed message, not a receive), its own port.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ConfigError } from '../config.ts';
import { appContext } from '../context.ts';
import { consumerTiming } from '../topology/queues.ts';
import { registerCache } from '../lambda/caches.ts';

export const CAPTURE_QUEUE_SETTINGS = {
  /** history-capture, its timeout and the visibility timeout (6x it, shared/topology/queues.ts). */
  ...consumerTiming('capture-queue:consume'),
  /** history-capture invocations at once (event source maxConcurrency). */
  maxConcurrency: 10,
  batchSize: 1,
  /**
   * Receives before the DLQ: a backstop only. The job counts its own attempts in the message and
   * re-sends delayed messages; SQS redelivers only when an invocation crashed or timed out.
   */
  maxReceiveCount: 5,
  /** Real failures (TikTok 5xx after its retries, store errors) before the day is given up. */
  maxAttempts: 3,
  retryBaseSeconds: 30,
  retryMaxSeconds: 600,
  /** SQS DelaySeconds limit. */
  maxDelaySeconds: 900,
  /** A queued capture's lease on its due entry: re-queued (catch-up) when it ends without success. */
  leaseMinutes: 30,
  /** Time kept back from the function timeout to save progress and re-send. */
  reserveMs: 20_000,
  dlqRetentionDays: 14,
} as const;

const day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const count = z.number().check(z.int(), z.gte(0), z.lte(1_000_000));

export const captureMessageSchema = z.strictObject({
  kind: z.literal('capture'),
  tenantId: z.string().check(z.minLength(1), z.maxLength(128)),
  datasourceId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,120}$/)),
  day,
  /** Real failures so far (quota waits and continuations do not count). */
  attempt: count,
  waits: z.optional(count),
  continuations: z.optional(count),
  /** The capacity plan said: profile counters only today (alternate days for the largest accounts). */
  skipVideos: z.optional(z.boolean()),
  /** Calls the plan counted for this capture. */
  planned: z.optional(count),
});

export type CaptureMessage = z.infer<typeof captureMessageSchema>;

export function parseCaptureMessage(body: string): CaptureMessage | undefined {
  try {
    const parsed = captureMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export interface CaptureQueue {
  /** Sends every message (after `delaySeconds`, at most 900) or throws. */
  send(messages: readonly CaptureMessage[], options?: { delaySeconds?: number }): Promise<void>;
}

export function createSqsCaptureQueue(queueUrl: string, client: SQSClient): CaptureQueue {
  return {
    async send(messages, options) {
      const delay = Math.max(0, Math.min(CAPTURE_QUEUE_SETTINGS.maxDelaySeconds, Math.round(options?.delaySeconds ?? 0)));
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        const res = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((m, j) => ({ Id: String(j), MessageBody: JSON.stringify(m), ...(delay > 0 ? { DelaySeconds: delay } : {}) })),
          }),
        );
        if (res.Failed && res.Failed.length > 0) {
          const first = res.Failed[0]!;
          throw new Error(`SQS refused ${res.Failed.length} of ${batch.length} capture messages (${first.Code}: ${first.Message ?? ''}).`);
        }
      }
    },
  };
}

let override: CaptureQueue | undefined;
let sqsQueue: CaptureQueue | undefined;
registerCache('queue.captures', { clear: () => (sqsQueue = undefined) });

export function overrideCaptureQueue(queue: CaptureQueue | undefined): void {
  override = queue;
}

export function captureQueue(): CaptureQueue {
  if (override) return override;
  if (!sqsQueue) {
    const { config } = appContext();
    if (!config.captureQueueUrl) throw new ConfigError('CAPTURE_QUEUE_URL is required to queue snapshot captures.');
    sqsQueue = createSqsCaptureQueue(config.captureQueueUrl, new SQSClient({ region: config.region }));
  }
  return sqsQueue;
}
