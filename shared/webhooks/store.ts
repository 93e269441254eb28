/**
 * Subscriptions (`TENANT#<t>` / `WHK#<id>`), the per-tenant counter (`TENANT#<t>` / `WHKCOUNT`) and
 * the attempt log (`WHK#<id>` / `ATT#<iso>#<eventId>#<try>`, 30-day ttl). Single-item conditional
 * writes only (docs/webhooks.md "Data").
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import { pagingToken } from '../store/paging-token.ts';
import { createCounted, releaseCounted } from '../store/tenant-counter.ts';
import { buildUpdate } from '../store/update-expression.ts';
import { WEBHOOK_LIMITS } from './settings.ts';
import type { TableDeps } from '../store/table.ts';

export type StoreDeps = TableDeps;

export type WebhookFormat = 'standard' | 'slack';

export interface Subscription {
  id: string;
  tenantId: string;
  url: string;
  events: string[];
  description?: string;
  format: WebhookFormat;
  enabled: boolean;
  disabledReason?: string;
  disabledAt?: string;
  secret: string;
  previousSecret?: string;
  previousSecretExpiresAt?: number;
  failingSince?: number;
  consecutiveFailures: number;
  lastSuccessAt?: string;
  lastFailureAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptRecord {
  eventId: string;
  type: string;
  attempt: number;
  at: string;
  result: 'succeeded' | 'failed';
  status?: number;
  error?: string;
  durationMs: number;
  /** Set on a failed attempt: when the next try is due, or that none follows (dead-lettered). */
  nextAttemptAt?: string;
  deadLettered?: boolean;
}

const SUB = 'webhookSubscription';
const subKey = (tenantId: string, id: string) => ({ pk: `TENANT#${tenantId}`, sk: `WHK#${id}` });
const counterKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'WHKCOUNT' });

function fromItem(i: Record<string, unknown>): Subscription {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = i;
  return rest as unknown as Subscription;
}

/** Creates the subscription within the tenant's limit (a failed write gives its slot back). */
export async function putSubscription(deps: StoreDeps, sub: Subscription): Promise<void> {
  const limit = WEBHOOK_LIMITS.maxSubscriptionsPerTenant;
  const full = () => new ConflictError('webhook_limit_reached', `A tenant can have at most ${limit} webhook subscriptions; delete one first.`, { limit });
  await createCounted(deps, { counter: counterKey(sub.tenantId), limit, full }, () =>
    deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: { ...subKey(sub.tenantId, sub.id), type: SUB, ...sub }, ConditionExpression: 'attribute_not_exists(pk)' })),
  );
}

export async function getSubscription(deps: StoreDeps, tenantId: string, id: string): Promise<Subscription | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: subKey(tenantId, id), ConsistentRead: true }));
  return res.Item?.type === SUB ? fromItem(res.Item) : undefined;
}

/** Every subscription of a tenant (at most maxSubscriptionsPerTenant, so one page). */
export async function listSubscriptions(deps: StoreDeps, tenantId: string): Promise<Subscription[]> {
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':p': 'WHK#' },
    }),
  );
  return (res.Items ?? []).filter((i) => i.type === SUB).map(fromItem);
}

export async function updateSubscription(deps: StoreDeps, tenantId: string, id: string, set: Record<string, unknown>, remove: string[] = []): Promise<Subscription | undefined> {
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: subKey(tenantId, id),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_NEW',
        ...buildUpdate(set, remove),
      }),
    ),
  );
  return res?.Attributes ? fromItem(res.Attributes) : undefined;
}

export async function deleteSubscription(deps: StoreDeps, tenantId: string, id: string): Promise<boolean> {
  const done = await unlessConditionFails(
    deps.dynamo.send(new DeleteCommand({ TableName: deps.tableName, Key: subKey(tenantId, id), ConditionExpression: 'attribute_exists(pk)' })),
  );
  if (done === undefined) return false;
  await releaseCounted(deps, counterKey(tenantId));
  return true;
}

/** A success clears the failure streak. */
export async function recordSuccess(deps: StoreDeps, sub: Subscription, at: string): Promise<void> {
  await updateSubscription(deps, sub.tenantId, sub.id, { lastSuccessAt: at, consecutiveFailures: 0 }, ['failingSince']);
}

/**
 * A failure starts (or extends) the streak; once it is older than `disableAfterMs` the subscription
 * is disabled, in the same conditional write. Returns the subscription as written.
 */
export async function recordFailure(deps: StoreDeps, sub: Subscription, nowMs: number, disableAfterMs: number): Promise<Subscription | undefined> {
  const at = new Date(nowMs).toISOString();
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: subKey(sub.tenantId, sub.id),
        ConditionExpression: 'attribute_exists(pk)',
        UpdateExpression: 'SET failingSince = if_not_exists(failingSince, :now), lastFailureAt = :at ADD consecutiveFailures :one',
        ExpressionAttributeValues: { ':now': nowMs, ':at': at, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  const updated = res?.Attributes ? fromItem(res.Attributes) : undefined;
  if (!updated || !updated.enabled || updated.failingSince === undefined || nowMs - updated.failingSince < disableAfterMs) return updated;
  const hours = Math.round((nowMs - updated.failingSince) / 3_600_000);
  const disabled = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: subKey(sub.tenantId, sub.id),
        ConditionExpression: 'enabled = :true AND failingSince = :since',
        UpdateExpression: 'SET enabled = :false, disabledAt = :at, disabledReason = :reason, updatedAt = :at',
        ExpressionAttributeValues: {
          ':true': true,
          ':false': false,
          ':since': updated.failingSince,
          ':at': at,
          ':reason': `Disabled after ${hours} hours of failed deliveries without a success (last: ${at}). PATCH {"enabled": true} to resume.`,
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return disabled?.Attributes ? fromItem(disabled.Attributes) : updated;
}

const attemptPk = (subscriptionId: string) => `WHK#${subscriptionId}`;

export async function putAttempt(deps: StoreDeps, subscriptionId: string, a: AttemptRecord, nowMs: number): Promise<void> {
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: {
        pk: attemptPk(subscriptionId),
        sk: `ATT#${a.at}#${a.eventId}#${String(a.attempt).padStart(3, '0')}`,
        ...a,
        // `type` is the item type in this table: the event's type is kept as eventType.
        type: 'webhookAttempt',
        eventType: a.type,
        ttl: Math.floor(nowMs / 1000) + WEBHOOK_LIMITS.attemptRetentionDays * 86_400,
      },
    }),
  );
}

/** Attempts are listed inside one subscription's partition; the token carries the sort key only. */
const attemptPageToken = pagingToken('sk', (sk) => /^ATT#[0-9TZ:.-]+#msg_[0-9a-f]{24}#\d{3}$/.test(sk));

export async function listAttempts(
  deps: StoreDeps,
  subscriptionId: string,
  options: { limit: number; nextToken?: string },
): Promise<{ items: AttemptRecord[]; nextToken?: string }> {
  let start: Record<string, unknown> | undefined;
  if (options.nextToken) start = { pk: attemptPk(subscriptionId), sk: attemptPageToken.decode(options.nextToken) };
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': attemptPk(subscriptionId), ':p': 'ATT#' },
      ScanIndexForward: false,
      Limit: options.limit,
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items = (res.Items ?? []).map((i) => {
    const { pk: _pk, sk: _sk, type: _t, ttl: _ttl, eventType, ...rest } = i;
    return { ...rest, type: eventType } as AttemptRecord;
  });
  const last = res.LastEvaluatedKey?.sk;
  return { items, ...(typeof last === 'string' ? { nextToken: attemptPageToken.encode(last) } : {}) };
}
