/**
 * POST /v1/tiktok/webhook: TikTok's events for the app. Authenticated by TikTok-Signature (the app's
 * client secret), not an API key; the policy lives in shared/webhooks/tiktok-receive.ts.
 */
import { tiktokWebhook } from '../../shared/api/operations/tiktok-webhook.ts';
import { httpHandler, json, rawBodyText } from '../../shared/http/index.ts';
import { defaultTikTokWebhookDeps } from '../../shared/webhooks/default-deps.ts';
import { receiveTikTokWebhook } from '../../shared/webhooks/tiktok-receive.ts';

export const handler = httpHandler(tiktokWebhook, async (req) =>
  json(200, await receiveTikTokWebhook(defaultTikTokWebhookDeps(), { signature: req.headers['tiktok-signature'], rawBody: rawBodyText(req.event), body: req.body })),
);
