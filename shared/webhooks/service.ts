/** The webhook subscription API's domain operations; everything in the tenant's own partition. */
import { randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../errors.ts';
import { makeEvent, type EventType } from './events.ts';
import type { WebhookQueue } from './queue.ts';
import { newWebhookSecret } from './signing.ts';
import { deleteSubscription, getSubscription, listAttempts, listSubscriptions, putSubscription, updateSubscription, type AttemptRecord, type StoreDeps, type Subscription, type WebhookFormat } from './store.ts';
import { validateTargetUrl, type Resolver } from './target.ts';
import { WEBHOOK_LIMITS, type WebhookSettings } from './settings.ts';

export interface WebhookServiceDeps extends StoreDeps {
  now(): number;
  settings: WebhookSettings;
  queue(): WebhookQueue | undefined;
  resolve?: Resolver;
}

export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  format: WebhookFormat;
  enabled: boolean;
  status: 'active' | 'failing' | 'disabled';
  disabledReason?: string;
  consecutiveFailures: number;
  failingSince: string | null;
  lastSuccessAt: string | null;
  lastFailureAt: string | null;
  /** During a rotation: until when the previous secret still signs. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function subscriptionView(s: Subscription, nowMs: number): SubscriptionView {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    description: s.description ?? null,
    format: s.format,
    enabled: s.enabled,
    status: !s.enabled ? 'disabled' : s.failingSince !== undefined ? 'failing' : 'active',
    ...(s.disabledReason && !s.enabled ? { disabledReason: s.disabledReason } : {}),
    consecutiveFailures: s.consecutiveFailures ?? 0,
    failingSince: s.failingSince !== undefined ? new Date(s.failingSince).toISOString() : null,
    lastSuccessAt: s.lastSuccessAt ?? null,
    lastFailureAt: s.lastFailureAt ?? null,
    previousSecretExpiresAt: s.previousSecret && (s.previousSecretExpiresAt ?? 0) > nowMs ? new Date(s.previousSecretExpiresAt!).toISOString() : null,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

const notFound = (id: string) => new NotFoundError(`Webhook subscription ${id} was not found.`, 'webhook_not_found');

function normaliseEvents(events: readonly string[]): string[] {
  const unique = [...new Set(events)];
  if (unique.includes('*') && unique.length > 1) throw new ValidationError('Invalid events: "*" stands alone (every event type).', 'events');
  return unique;
}

async function checkUrl(deps: WebhookServiceDeps, url: string, format: WebhookFormat): Promise<string> {
  return (await validateTargetUrl(url, { allowPrivateTargets: deps.settings.allowPrivateTargets, slack: format === 'slack' }, deps.resolve)).toString();
}

export async function createWebhook(
  deps: WebhookServiceDeps,
  tenantId: string,
  body: { url: string; events: string[]; description?: string; format?: WebhookFormat },
): Promise<SubscriptionView & { secret: string }> {
  const format = body.format ?? 'standard';
  const url = await checkUrl(deps, body.url, format);
  const now = new Date(deps.now()).toISOString();
  const sub: Subscription = {
    id: `whk_${randomUUID().replace(/-/g, '')}`,
    tenantId,
    url,
    events: normaliseEvents(body.events),
    ...(body.description ? { description: body.description } : {}),
    format,
    enabled: true,
    secret: newWebhookSecret(),
    consecutiveFailures: 0,
    createdAt: now,
    updatedAt: now,
  };
  await putSubscription(deps, sub);
  // The secret leaves the service once, here (and on rotation).
  return { ...subscriptionView(sub, deps.now()), secret: sub.secret };
}

async function read(deps: WebhookServiceDeps, tenantId: string, id: string): Promise<Subscription> {
  const sub = await getSubscription(deps, tenantId, id);
  if (!sub) throw notFound(id);
  return sub;
}

export async function getWebhook(deps: WebhookServiceDeps, tenantId: string, id: string): Promise<SubscriptionView> {
  return subscriptionView(await read(deps, tenantId, id), deps.now());
}

export async function listWebhooks(deps: WebhookServiceDeps, tenantId: string): Promise<{ items: SubscriptionView[] }> {
  const subs = await listSubscriptions(deps, tenantId);
  return { items: subs.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((s) => subscriptionView(s, deps.now())) };
}

export async function updateWebhook(
  deps: WebhookServiceDeps,
  tenantId: string,
  id: string,
  patch: { url?: string; events?: string[]; description?: string | null; format?: WebhookFormat; enabled?: boolean },
): Promise<SubscriptionView> {
  const current = await read(deps, tenantId, id);
  const set: Record<string, unknown> = { updatedAt: new Date(deps.now()).toISOString() };
  const remove: string[] = [];
  const format = patch.format ?? current.format;
  if (patch.url !== undefined || patch.format !== undefined) set.url = await checkUrl(deps, patch.url ?? current.url, format);
  if (patch.format !== undefined) set.format = patch.format;
  if (patch.events !== undefined) set.events = normaliseEvents(patch.events);
  if (patch.description === null) remove.push('description');
  else if (patch.description !== undefined) set.description = patch.description;
  if (patch.enabled !== undefined) {
    set.enabled = patch.enabled;
    // Re-enabling starts a clean slate: the old streak would disable it again at the first failure.
    if (patch.enabled) {
      set.consecutiveFailures = 0;
      remove.push('failingSince', 'disabledAt', 'disabledReason');
    }
  }
  const updated = await updateSubscription(deps, tenantId, id, set, remove);
  if (!updated) throw notFound(id);
  return subscriptionView(updated, deps.now());
}

export async function deleteWebhook(deps: WebhookServiceDeps, tenantId: string, id: string): Promise<void> {
  if (!(await deleteSubscription(deps, tenantId, id))) throw notFound(id);
}

export async function rotateWebhookSecret(deps: WebhookServiceDeps, tenantId: string, id: string): Promise<{ secret: string; previousSecretExpiresAt: string }> {
  const current = await read(deps, tenantId, id);
  const nowMs = deps.now();
  const secret = newWebhookSecret();
  const expires = nowMs + WEBHOOK_LIMITS.rotationOverlapMs;
  const updated = await updateSubscription(deps, tenantId, id, {
    secret,
    previousSecret: current.secret,
    previousSecretExpiresAt: expires,
    updatedAt: new Date(nowMs).toISOString(),
  });
  if (!updated) throw notFound(id);
  return { secret, previousSecretExpiresAt: new Date(expires).toISOString() };
}

export async function testWebhook(deps: WebhookServiceDeps, tenantId: string, id: string): Promise<{ eventId: string; type: EventType }> {
  const sub = await read(deps, tenantId, id);
  const queue = deps.queue();
  if (!queue) throw new Error('No webhook queue is configured (WEBHOOK_QUEUE_URL).');
  const event = makeEvent('webhook.test', [sub.id, randomBytes(8).toString('hex')], { subscriptionId: sub.id, message: 'This is a test event.' }, deps.now());
  await queue.send({ kind: 'event', tenantId, event, subscriptionId: sub.id });
  return { eventId: event.id, type: event.type };
}

export async function listDeliveries(
  deps: WebhookServiceDeps,
  tenantId: string,
  id: string,
  options: { limit: number; nextToken?: string },
): Promise<{ items: AttemptRecord[]; nextToken?: string }> {
  await read(deps, tenantId, id);
  return listAttempts(deps, id, options);
}
