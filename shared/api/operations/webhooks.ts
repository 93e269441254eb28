/**
 * Webhook subscriptions and the events they receive (docs/webhooks.md). The event payloads are
 * documented in the OpenAPI document's top-level `webhooks` (OpenAPI 3.1), one entry per type.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';
import { EVENT_TYPES } from '../../webhooks/events.ts';
import { WEBHOOK_LIMITS } from '../../webhooks/settings.ts';
import { routePath } from '../../topology/routes.ts';

const error = (description: string): ResponseDoc => ({ description, schema: errorBodySchema });

export const webhookParams = z.object({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)).check(z.meta({ description: 'Subscription id (whk_...).' })),
});

const eventName = z.enum([...EVENT_TYPES, '*'] as [string, ...string[]], { error: `each event must be one of: ${EVENT_TYPES.join(', ')}, or "*"` });
const events = z
  .array(eventName, { error: 'events must be a list of event types' })
  .check(z.minLength(1, { error: 'events must name at least one event type (or "*")' }), z.maxLength(WEBHOOK_LIMITS.maxEvents, { error: `events has at most ${WEBHOOK_LIMITS.maxEvents} entries` }))
  .check(z.meta({ description: 'Event types to receive, or ["*"] for all.', examples: [['run.failed', 'datasource.needs_reauth']] }));
const url = z
  .string({ error: 'url must be a string' })
  .check(z.maxLength(WEBHOOK_LIMITS.maxUrlLength, { error: `url must be at most ${WEBHOOK_LIMITS.maxUrlLength} characters` }))
  .check(
    z.meta({
      description:
        'The receiver. https, and not resolving to a loopback, private, link-local or metadata address (the local runtime also allows http and loopback/private, setting WEBHOOK_ALLOW_PRIVATE_TARGETS).',
    }),
  );
const description = z.string({ error: 'description must be a string' }).check(z.maxLength(WEBHOOK_LIMITS.maxDescriptionLength, { error: `description must be at most ${WEBHOOK_LIMITS.maxDescriptionLength} characters` }));
const format = z
  .enum(['standard', 'slack'], { error: 'format must be "standard" or "slack"' })
  .check(z.meta({ description: 'standard: the signed Standard Webhooks JSON; slack: a Slack message (text + blocks) for a Slack incoming-webhook URL.' }));

export const webhookCreateBody = z.strictObject({ url, events, description: z.optional(description), format: z.optional(format) });
export const webhookPatchBody = z
  .strictObject({ url: z.optional(url), events: z.optional(events), description: z.optional(z.nullable(description)), format: z.optional(format), enabled: z.optional(z.boolean()) })
  .check(z.refine((v) => Object.keys(v).length > 0, { error: 'the PATCH body must change at least one member' }));

export const subscriptionSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.nullable(z.string()),
  format: z.enum(['standard', 'slack']),
  enabled: z.boolean(),
  status: z.enum(['active', 'failing', 'disabled']).check(z.meta({ description: 'failing: the last tries failed; disabled: failing for days (WEBHOOK_DISABLE_AFTER_HOURS), or switched off.' })),
  disabledReason: z.optional(z.string()),
  consecutiveFailures: z.number(),
  failingSince: z.nullable(z.string()),
  lastSuccessAt: z.nullable(z.string()),
  lastFailureAt: z.nullable(z.string()),
  previousSecretExpiresAt: z.nullable(z.string()).check(z.meta({ description: 'During a rotation: until when the previous secret also signs (24 h).' })),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const secret = z.string().check(z.meta({ description: 'whsec_ + base64 of 32 random bytes. Shown once: store it now.' }));

export const attemptSchema = z.object({
  eventId: z.string().check(z.meta({ description: 'The webhook-id header: the same for every try of one event.' })),
  type: z.string(),
  attempt: z.number(),
  at: z.string(),
  result: z.enum(['succeeded', 'failed']),
  status: z.optional(z.number()).check(z.meta({ description: "The receiver's HTTP status, when it answered." })),
  error: z.optional(z.string()),
  durationMs: z.number(),
  nextAttemptAt: z.optional(z.string()),
  deadLettered: z.optional(z.boolean()).check(z.meta({ description: 'No try follows: the event went to the dead-letter queue.' })),
});

export const deliveriesQuery = z.object({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(WEBHOOK_LIMITS.pageMax)), WEBHOOK_LIMITS.pageDefault),
  nextToken: z.optional(z.string().check(z.maxLength(1024))),
});

export const createWebhook = {
  operationId: 'createWebhook',
  summary: 'Subscribe a URL to events',
  description: `Answers the subscription with its signing secret (shown once). At most ${WEBHOOK_LIMITS.maxSubscriptionsPerTenant} subscriptions per tenant.`,
  tags: ['webhooks'],
  body: webhookCreateBody,
  bodyExample: { url: 'https://example.com/hooks/tiktok', events: ['*'], description: 'Ops channel' },
  responses: {
    201: { description: 'The subscription and its secret.', schema: z.object({ ...subscriptionSchema.shape, secret }) },
    400: error('Invalid input; `error.field` names it (`url` for a refused target).'),
    409: error('webhook_limit_reached.'),
  },
} satisfies OperationDoc;

export const listWebhooks = {
  operationId: 'listWebhooks',
  summary: 'List webhook subscriptions',
  tags: ['webhooks'],
  responses: { 200: { description: 'Every subscription of the tenant (never a secret).', schema: z.object({ items: z.array(subscriptionSchema) }) } },
} satisfies OperationDoc;

export const getWebhook = {
  operationId: 'getWebhook',
  summary: 'Read a webhook subscription',
  tags: ['webhooks'],
  params: webhookParams,
  responses: { 200: { description: 'The subscription.', schema: subscriptionSchema } },
} satisfies OperationDoc;

export const updateWebhook = {
  operationId: 'updateWebhook',
  summary: 'Change a webhook subscription',
  description: 'url, events, description (null removes it), format, enabled. Re-enabling clears the failure streak.',
  tags: ['webhooks'],
  params: webhookParams,
  body: webhookPatchBody,
  bodyExample: { enabled: true },
  responses: { 200: { description: 'The changed subscription.', schema: subscriptionSchema }, 400: error('Invalid input; `error.field` names it.') },
} satisfies OperationDoc;

export const deleteWebhook = {
  operationId: 'deleteWebhook',
  summary: 'Delete a webhook subscription',
  description: 'Retries already queued for it are dropped.',
  tags: ['webhooks'],
  params: webhookParams,
  responses: { 204: { description: 'Deleted.' } },
} satisfies OperationDoc;

export const rotateWebhookSecret = {
  operationId: 'rotateWebhookSecret',
  summary: 'Rotate the signing secret',
  description: 'A new secret signs from now on; for 24 hours the previous one signs too (two v1 signatures in webhook-signature).',
  tags: ['webhooks'],
  params: webhookParams,
  responses: { 200: { description: 'The new secret (shown once).', schema: z.object({ secret, previousSecretExpiresAt: z.string() }) } },
} satisfies OperationDoc;

export const testWebhook = {
  operationId: 'testWebhook',
  summary: 'Send a webhook.test event',
  description: 'Queued like any event (retries included), to this subscription only, whatever its events list.',
  tags: ['webhooks'],
  params: webhookParams,
  responses: { 202: { description: 'Queued.', schema: z.object({ eventId: z.string(), type: z.literal('webhook.test') }) } },
} satisfies OperationDoc;

export const listWebhookDeliveries = {
  operationId: 'listWebhookDeliveries',
  summary: 'Delivery attempts of a subscription',
  description: `Newest first; every try of every event, kept ${WEBHOOK_LIMITS.attemptRetentionDays} days.`,
  tags: ['webhooks'],
  params: webhookParams,
  query: deliveriesQuery,
  responses: { 200: { description: 'One page of attempts.', schema: z.object({ items: z.array(attemptSchema), nextToken: z.optional(z.string()) }) } },
} satisfies OperationDoc;

export const webhookOperations: OperationDoc[] = [createWebhook, listWebhooks, getWebhook, updateWebhook, deleteWebhook, rotateWebhookSecret, testWebhook, listWebhookDeliveries];

// ---- event payloads (OpenAPI `webhooks`) ----

const datasourceRef = z.object({ id: z.string(), name: z.string(), displayName: z.nullable(z.string()), openId: z.string() });
const scheduleRef = z.object({ id: z.string(), name: z.string() });

export const EVENT_DATA: Record<(typeof EVENT_TYPES)[number], { summary: string; data: z.ZodMiniType }> = {
  'datasource.connected': { summary: 'An account was connected for the first time.', data: z.object({ datasource: datasourceRef }) },
  'datasource.needs_reauth': {
    summary: 'TikTok rejected the refresh token: reports and deliveries fail until the owner re-connects.',
    data: z.object({ datasource: datasourceRef, reason: z.string() }),
  },
  'datasource.recovered': { summary: 'An account was re-connected (after needs_reauth, or again).', data: z.object({ datasource: datasourceRef, previousStatus: z.string() }) },
  'datasource.revoked': {
    summary: 'Deleted here (reason `deleted`), or access removed at TikTok (reason `removed_at_tiktok`).',
    data: z.object({ datasource: datasourceRef, reason: z.enum(['deleted', 'removed_at_tiktok']) }),
  },
  'run.succeeded': {
    summary: 'A scheduled (or run-now) delivery was written.',
    data: z.object({ schedule: scheduleRef, slot: z.string(), datasourceId: z.string(), rows: z.number(), bytes: z.number(), s3Key: z.string(), downloadUrl: z.optional(z.string()), downloadExpiresAt: z.optional(z.string()) }),
  },
  'run.failed': {
    summary: 'A delivery failed for good (after its tries).',
    data: z.object({ schedule: scheduleRef, slot: z.string(), datasourceId: z.string(), attempt: z.number(), error: z.object({ code: z.string(), message: z.string() }) }),
  },
  'alert.triggered': {
    summary: 'An alert condition returned rows (and they differ from the last time it fired), or a built-in check failed.',
    data: z.object({
      alert: z.object({ id: z.string(), name: z.string(), builtin: z.boolean() }),
      datasourceId: z.optional(z.string()),
      rowCount: z.number(),
      rows: z.array(z.record(z.string(), z.unknown())),
      truncated: z.optional(z.boolean()),
    }),
  },
  'webhook.test': { summary: `Sent by POST ${routePath('testWebhook')}.`, data: z.object({ subscriptionId: z.string(), message: z.string() }) },
};

export function eventEnvelope(type: string, data: z.ZodMiniType): z.ZodMiniType {
  return z.object({ type: z.literal(type), timestamp: z.string().check(z.meta({ description: 'When it happened (ISO 8601 UTC).' })), data });
}
