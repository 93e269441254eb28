/**
 * The webhook-deliver consumer's work (docs/webhooks.md "Delivery"):
 *   event    fan out to the tenant's enabled subscriptions to that type, first try at once;
 *   attempt  a retry of one (subscription, event), due at `notBefore`.
 * Every try is logged. A failed try schedules the next from the retry schedule; after the last one
 * the message goes to the DLQ and the log says so. A streak of failures longer than the setting
 * disables the subscription. At least once, no ordering: the same event may arrive twice (same id).
 */
import { logger } from '../logger.ts';
import { eventBody, subscribed, type WebhookEvent } from './events.ts';
import type { WebhookMessage, WebhookQueue } from './queue.ts';
import { postWebhook, type SendResult } from './send.ts';
import type { WebhookSettings } from './settings.ts';
import { WEBHOOK_LIMITS } from './settings.ts';
import { signedHeaders } from './signing.ts';
import { slackMessage } from './slack.ts';
import { getSubscription, listSubscriptions, putAttempt, recordFailure, recordSuccess, type StoreDeps, type Subscription } from './store.ts';

export interface DeliverDeps extends StoreDeps {
  now(): number;
  queue: WebhookQueue;
  settings: WebhookSettings;
  post?: typeof postWebhook;
}

export interface DeliverSummary {
  delivered: number;
  failed: number;
  deferred: number;
  deadLettered: number;
  /** Subscriptions this message disabled (failing for days): the alarm's metric. */
  disabled: number;
}

/** Slack's format, or the signed Standard Webhooks body. */
export function requestFor(sub: Subscription, event: WebhookEvent, nowMs: number): { body: string; headers: Record<string, string> } {
  if (sub.format === 'slack') return { body: JSON.stringify(slackMessage(event)), headers: {} };
  const body = eventBody(event);
  const secrets = [sub.secret, ...(sub.previousSecret && (sub.previousSecretExpiresAt ?? 0) > nowMs ? [sub.previousSecret] : [])];
  return { body, headers: signedHeaders(secrets, event.id, Math.floor(nowMs / 1000), body) };
}

export async function handleWebhookMessage(deps: DeliverDeps, message: WebhookMessage): Promise<DeliverSummary> {
  const summary: DeliverSummary = { delivered: 0, failed: 0, deferred: 0, deadLettered: 0, disabled: 0 };
  if (message.kind === 'event') {
    const event = message.event as WebhookEvent;
    const all = message.subscriptionId ? [await getSubscription(deps, message.tenantId, message.subscriptionId)] : await listSubscriptions(deps, message.tenantId);
    const chosen = message.subscriptionIds;
    const targets = all.filter(
      (s): s is Subscription => s !== undefined && (message.subscriptionId ? true : s.enabled && (chosen ? chosen.includes(s.id) : subscribed(s.events, event.type))),
    );
    await Promise.all(targets.map((sub) => attempt(deps, sub, event, 1, summary)));
    return summary;
  }
  const remaining = (message.notBefore ?? 0) - deps.now();
  if (remaining > 500) {
    // SQS holds a message 15 minutes at most: a longer back-off is several hops.
    await deps.queue.send(message, { delaySeconds: Math.min(900, remaining / 1000) });
    summary.deferred += 1;
    return summary;
  }
  const sub = await getSubscription(deps, message.tenantId, message.subscriptionId);
  if (!sub || !sub.enabled) {
    logger.info('Webhook retry dropped: subscription deleted or disabled', { subscriptionId: message.subscriptionId, eventId: message.event.id });
    return summary;
  }
  await attempt(deps, sub, message.event as WebhookEvent, message.attempt, summary);
  return summary;
}

async function attempt(deps: DeliverDeps, sub: Subscription, event: WebhookEvent, n: number, summary: DeliverSummary): Promise<void> {
  const nowMs = deps.now();
  const { body, headers } = requestFor(sub, event, nowMs);
  const result: SendResult = await (deps.post ?? postWebhook)(sub.url, body, headers, {
    timeoutMs: deps.settings.timeoutMs,
    allowPrivateTargets: deps.settings.allowPrivateTargets,
  });
  const at = new Date(nowMs).toISOString();
  const base = {
    eventId: event.id,
    type: event.type,
    attempt: n,
    at,
    durationMs: result.durationMs,
    ...(result.status !== undefined ? { status: result.status } : {}),
  };
  if (result.ok) {
    summary.delivered += 1;
    await putAttempt(deps, sub.id, { ...base, result: 'succeeded' }, nowMs);
    if (sub.failingSince !== undefined || sub.consecutiveFailures > 0) await recordSuccess(deps, sub, at);
    return;
  }
  summary.failed += 1;
  const error = result.error ?? `HTTP ${result.status}${result.snippet ? `: ${result.snippet.replace(/\s+/g, ' ').slice(0, WEBHOOK_LIMITS.maxResponseSnippet)}` : ''}`;
  const after = await recordFailure(deps, sub, nowMs, deps.settings.disableAfterMs);
  const delay = deps.settings.retryScheduleSeconds[n - 1];
  const stillOn = after?.enabled !== false;
  if (!stillOn && sub.enabled) summary.disabled += 1;
  if (delay !== undefined && stillOn) {
    const notBefore = nowMs + delay * 1000;
    await putAttempt(deps, sub.id, { ...base, result: 'failed', error, nextAttemptAt: new Date(notBefore).toISOString() }, nowMs);
    await deps.queue.send({ kind: 'attempt', tenantId: sub.tenantId, subscriptionId: sub.id, event, attempt: n + 1, notBefore }, { delaySeconds: Math.min(900, delay) });
    return;
  }
  summary.deadLettered += 1;
  await putAttempt(deps, sub.id, { ...base, result: 'failed', error, deadLettered: true }, nowMs);
  const reason = stillOn ? `no success after ${n} tries: ${error}` : `subscription disabled: ${after?.disabledReason ?? ''}`;
  await deps.queue.deadLetter({ kind: 'attempt', tenantId: sub.tenantId, subscriptionId: sub.id, event, attempt: n }, reason);
  logger.warn('Webhook delivery dead-lettered', { subscriptionId: sub.id, eventId: event.id, attempt: n, disabled: !stillOn });
}
