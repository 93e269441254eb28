/**
 * The refresh lease and token writes on the datasource item: single-item conditional updates only
 * (the embedded store has no transactions). Every write after a refresh is fenced by `tokenVersion`,
 * which each token write bumps, so a writer that lost its lease can never overwrite newer tokens.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { datasourceKey, recordFromItem, tokenExpiryIndex, type DatasourceRecord, type DatasourceRef } from '../datasources/model.ts';
import { unlessConditionFails } from '../datasources/conditional-write.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import type { TokenSet } from '../tiktok/index.ts';
import type { SealedTokens } from './vault.ts';

/**
 * Takes the lease if the item is active, still at `observedVersion`, and nobody holds an unexpired
 * lease. Returns the item (with its sealed tokens), or undefined when the condition failed.
 */
export async function acquireLease(
  deps: DatasourceStoreDeps,
  ref: DatasourceRef,
  p: { owner: string; observedVersion: number; leaseMs: number },
): Promise<DatasourceRecord | undefined> {
  const now = deps.now();
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression: 'SET leaseOwner = :me, leaseUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :active AND tokenVersion = :v AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':me': p.owner, ':until': now + p.leaseMs, ':now': now, ':v': p.observedVersion, ':active': 'active' },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return res && recordFromItem(res.Attributes ?? {});
}

/** Gives the lease back after a failed refresh. A lease that is no longer ours is left alone. */
export async function releaseLease(deps: DatasourceStoreDeps, ref: DatasourceRef, owner: string): Promise<void> {
  await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :me',
        ExpressionAttributeValues: { ':me': owner },
      }),
    ),
  );
}

export type Fence = { kind: 'lease'; owner: string; observedVersion: number } | { kind: 'version'; observedVersion: number };

function fenceCondition(fence: Fence): { expression: string; values: Record<string, unknown> } {
  return fence.kind === 'lease'
    ? { expression: 'leaseOwner = :me AND tokenVersion = :v', values: { ':me': fence.owner, ':v': fence.observedVersion } }
    : { expression: 'tokenVersion = :v', values: { ':v': fence.observedVersion } };
}

/**
 * Stores the rotated refresh token and the new access token in ONE conditional update that also
 * releases the lease and moves the gsi2 expiry. Returns the new item, or undefined when the fence failed.
 */
export async function saveRefreshedTokens(
  deps: DatasourceStoreDeps,
  ref: DatasourceRef,
  fence: Fence,
  sealed: SealedTokens,
  tokens: TokenSet,
  previousScopes: string[],
): Promise<DatasourceRecord | undefined> {
  const now = new Date(deps.now()).toISOString();
  const cond = fenceCondition(fence);
  const index = tokenExpiryIndex(ref, tokens.accessTokenExpiresAt);
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression:
          'SET #tokens = :tokens, tokenVersion = tokenVersion + :one, accessTokenExpiresAt = :atExp, refreshTokenExpiresAt = :rtExp, ' +
          'scopes = :scopes, lastRefreshAt = :now, updatedAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk REMOVE leaseOwner, leaseUntil',
        ConditionExpression: cond.expression,
        ExpressionAttributeNames: { '#tokens': 'tokens' },
        ExpressionAttributeValues: {
          ...cond.values,
          ':tokens': sealed,
          ':one': 1,
          ':atExp': tokens.accessTokenExpiresAt,
          ':rtExp': tokens.refreshTokenExpiresAt,
          // A refresh response without `scope` keeps what was granted.
          ':scopes': tokens.scopes.length > 0 ? tokens.scopes : previousScopes,
          ':now': now,
          ':gsi2pk': index.gsi2pk,
          ':gsi2sk': index.gsi2sk,
        },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return res && recordFromItem(res.Attributes ?? {});
}

/**
 * TikTok rejected the refresh token: `needs_reauth`, out of the sweep's index, lease released. The
 * datasource, its settings and its history stay. Returns false when the fence failed.
 */
export async function markNeedsReauth(deps: DatasourceStoreDeps, ref: DatasourceRef, fence: Fence, reason: string): Promise<boolean> {
  const cond = fenceCondition(fence);
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression:
          'SET #status = :nr, statusReason = :reason, updatedAt = :now, tokenVersion = tokenVersion + :one REMOVE leaseOwner, leaseUntil, gsi2pk, gsi2sk',
        ConditionExpression: cond.expression,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...cond.values, ':nr': 'needs_reauth', ':reason': reason, ':now': new Date(deps.now()).toISOString(), ':one': 1 },
      }),
    ),
  );
  return res !== undefined;
}
