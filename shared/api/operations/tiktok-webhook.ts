/** TikTok's own webhook endpoint (docs/webhooks.md "TikTok's webhook"). */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc } from '../../http/operation.ts';
import { tiktokWebhookBodySchema } from '../../webhooks/tiktok.ts';

export const tiktokWebhook = {
  operationId: 'tiktokWebhook',
  summary: "TikTok's webhook (called by TikTok)",
  description:
    'Verifies `TikTok-Signature: t=<unix seconds>,s=<hex HMAC-SHA256 of "t.body" keyed with the app client secret>` within 5 minutes. ' +
    '`authorization.removed`: the tokens of every datasource of that user are deleted, its status is revoked with a reason saying access was removed at TikTok, and datasource.revoked is sent. Other events are acknowledged.',
  tags: ['webhooks'],
  body: tiktokWebhookBodySchema,
  bodyExample: { client_key: 'aw...', event: 'authorization.removed', create_time: 1718000000, user_openid: '_000...', content: '{"reason": 1}' },
  responses: {
    200: { description: 'Received.', schema: z.object({ received: z.literal(true), revoked: z.optional(z.number()) }) },
    401: { description: 'invalid_signature: missing, forged or stale TikTok-Signature.', schema: errorBodySchema },
  },
} satisfies OperationDoc;

export const tiktokWebhookOperations: OperationDoc[] = [tiktokWebhook];
