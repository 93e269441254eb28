/** Production wiring of the webhook service and the consumer: the app context, the webhook queue, the settings. */
import { tableAccess } from '../context.ts';
import { tiktokAppCredentials } from '../credentials/tiktok-app.ts';
import type { DeliverDeps } from './deliver.ts';
import { webhookQueue } from './queue.ts';
import type { WebhookServiceDeps } from './service.ts';
import type { TikTokWebhookDeps } from './tiktok-receive.ts';
import { readWebhookSettings } from './settings.ts';

export function defaultWebhookServiceDeps(): WebhookServiceDeps {
  return { ...tableAccess(), settings: readWebhookSettings(), queue: webhookQueue };
}

export function defaultDeliverDeps(): DeliverDeps {
  const queue = webhookQueue();
  if (!queue) throw new Error('WEBHOOK_QUEUE_URL is required to deliver webhooks.');
  return { ...tableAccess(), settings: readWebhookSettings(), queue };
}

export function defaultTikTokWebhookDeps(): TikTokWebhookDeps {
  return { ...tableAccess(), clientSecret: async () => (await tiktokAppCredentials()).clientSecret };
}
