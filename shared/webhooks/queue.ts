/**
 * The webhook queue: emitters send `event` messages (one per fact); the webhook-deliver function fans
 * each out to the tenant's subscriptions and sends `attempt` messages for the retries. SQS caps a
 * delay at 15 minutes, so a longer back-off is taken in hops (`notBefore`).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { appContext } from '../context.ts';
import { consumerTiming } from '../topology/queues.ts';
import { registerCache } from '../lambda/caches.ts';
import { logger } from '../logger.ts';
import { EVENT_TYPES, type WebhookEvent } from './events.ts';
import { readWebhookSettings } from './settings.ts';

export const WEBHOOK_QUEUE_SETTINGS = {
  /** webhook-deliver, its timeout and the visibility timeout (6x it, shared/topology/queues.ts). */
  ...consumerTiming('webhook-queue:consume'),
  maxConcurrency: 10,
  batchSize: 1,
  /** A backstop: the consumer counts tries itself and dead-letters explicitly. */
  maxReceiveCount: 5,
  maxDelaySeconds: 900,
  dlqRetentionDays: 14,
} as const;

const eventSchema = z.object({
  id: z.string().check(z.regex(/^msg_[0-9a-f]{24}$/)),
  type: z.enum(EVENT_TYPES),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});

const tenantId = z.string().check(z.minLength(1), z.maxLength(128));

export const webhookMessageSchema = z.discriminatedUnion('kind', [
  // subscriptionId: a test event; subscriptionIds: an alert's notify list (whatever their events lists say).
  z.object({ kind: z.literal('event'), tenantId, event: eventSchema, subscriptionId: z.optional(z.string()), subscriptionIds: z.optional(z.array(z.string()).check(z.maxLength(20))) }),
  z.object({
    kind: z.literal('attempt'),
    tenantId,
    subscriptionId: z.string(),
    event: eventSchema,
    attempt: z.number().check(z.int(), z.gte(1), z.lte(100)),
    notBefore: z.optional(z.number()),
  }),
]);

export type WebhookMessage = z.infer<typeof webhookMessageSchema>;

export function parseWebhookMessage(body: string): WebhookMessage | undefined {
  try {
    const parsed = webhookMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? (parsed.data as WebhookMessage) : undefined;
  } catch {
    return undefined;
  }
}

export interface WebhookQueue {
  send(message: WebhookMessage, options?: { delaySeconds?: number }): Promise<void>;
  deadLetter(message: WebhookMessage, reason: string): Promise<void>;
}

export function createSqsWebhookQueue(queueUrl: string, dlqUrl: string | undefined, client: SQSClient): WebhookQueue {
  return {
    async send(message, options) {
      const delay = Math.max(0, Math.min(WEBHOOK_QUEUE_SETTINGS.maxDelaySeconds, Math.ceil(options?.delaySeconds ?? 0)));
      await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(message), ...(delay > 0 ? { DelaySeconds: delay } : {}) }));
    },
    async deadLetter(message, reason) {
      if (!dlqUrl) throw new Error('WEBHOOK_DLQ_URL is required to dead-letter a delivery.');
      await client.send(
        new SendMessageCommand({
          QueueUrl: dlqUrl,
          MessageBody: JSON.stringify(message),
          MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 256) } },
        }),
      );
    },
  };
}

let override: WebhookQueue | undefined;
let sqs: WebhookQueue | undefined;
registerCache('queue.webhooks', { clear: () => (sqs = undefined) });

export function overrideWebhookQueue(queue: WebhookQueue | undefined): void {
  override = queue;
}

export function webhookQueue(): WebhookQueue | undefined {
  if (override) return override;
  if (!sqs) {
    const settings = readWebhookSettings();
    if (!settings.queueUrl) return undefined;
    sqs = createSqsWebhookQueue(settings.queueUrl, settings.dlqUrl, new SQSClient({ region: appContext().config.region }));
  }
  return sqs;
}

/**
 * Emits an event for a tenant. Never fails its caller (a connect or a run is not undone because a
 * notification could not be queued): the SDK retries, then the loss is logged.
 */
export async function emitEvent(tenantId: string, event: WebhookEvent): Promise<void> {
  try {
    const queue = webhookQueue();
    if (!queue) {
      logger.debug('No webhook queue configured; event not sent', { type: event.type });
      return;
    }
    await queue.send({ kind: 'event', tenantId, event });
  } catch (err) {
    logger.warn('Could not queue a webhook event', { tenantId, eventId: event.id, type: event.type, error: err as Error });
  }
}
