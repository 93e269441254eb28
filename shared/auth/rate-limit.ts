/**
 * Per-tenant API request limit, shared by every Lambda instance through the table.
 *
 * Fixed one-minute windows: item `RATE#<tenantId>` / `MIN#<epochMinute>`, one conditional UpdateItem
 * per request (ADD 1 while the count is under the limit), no read, no transaction. Chosen over a
 * sliding-window approximation (previous minute weighted + current), which needs the previous
 * minute's count too: a second read per request, or a rolling item that costs a retried write at
 * each minute change. The price of fixed windows is a burst of up to 2x the limit across a
 * minute boundary, acceptable for a fairness guard. A refused request is not counted (the
 * condition fails), so a client that waits `Retry-After` is served in the next window.
 * Counter items carry a `ttl` a little after their minute; nothing reads an old minute again.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, conditionHeld } from '../store/conditional-write.ts';
import { keys, ttlFromMs, type TableDeps } from '../store/table.ts';

export const RATE_WINDOW_MS = 60_000;
/** Counter items live this long after their window ends (DynamoDB deletes late anyway). */
const COUNTER_TTL_MS = 5 * 60_000;
/** Bounds an override set by hand (npm run tenant -- limit). */
export const MAX_REQUESTS_PER_MINUTE = 1_000_000;

export type RateLimitDeps = TableDeps;

export type RateDecision = { allowed: true; count: number } | { allowed: false; retryAfterSeconds: number };

/** Counts one request of `tenantId` at `nowMs` against `limit`; refuses (without counting) once the window holds `limit`. */
export async function countRequest(deps: RateLimitDeps, tenantId: string, limit: number, nowMs: number): Promise<RateDecision> {
  const minute = Math.floor(nowMs / RATE_WINDOW_MS);
  const windowEnd = (minute + 1) * RATE_WINDOW_MS;
  try {
    const res = await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.requestWindow(tenantId, minute),
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'requests', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': ttlFromMs(windowEnd + COUNTER_TTL_MS) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { allowed: true, count: Number(res.Attributes?.requests ?? 1) };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - nowMs) / 1000)) };
  }
}

/** The tenant's own requests-per-minute, or undefined when the default applies. One GetItem. */
export async function getTenantRequestLimit(deps: RateLimitDeps, tenantId: string): Promise<number | undefined> {
  const res = await deps.dynamo.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.tenant(tenantId), ProjectionExpression: 'requestsPerMinute' }),
  );
  const value = res.Item?.requestsPerMinute;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Sets (a number) or clears (undefined) the tenant's override. Conditioned on the tenant item, so
 * an unknown tenant is not created by accident: false when there is no such tenant.
 */
export async function setTenantRequestLimit(deps: RateLimitDeps, tenantId: string, requestsPerMinute: number | undefined): Promise<boolean> {
  if (requestsPerMinute !== undefined && !(Number.isInteger(requestsPerMinute) && requestsPerMinute > 0 && requestsPerMinute <= MAX_REQUESTS_PER_MINUTE)) {
    throw new RangeError(`requestsPerMinute must be an integer in 1..${MAX_REQUESTS_PER_MINUTE}`);
  }
  return conditionHeld(deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.tenant(tenantId),
      ConditionExpression: 'attribute_exists(pk)',
      ...(requestsPerMinute === undefined
        ? { UpdateExpression: 'REMOVE requestsPerMinute' }
        : { UpdateExpression: 'SET requestsPerMinute = :r', ExpressionAttributeValues: { ':r': requestsPerMinute } }),
    }),
  ));
}
