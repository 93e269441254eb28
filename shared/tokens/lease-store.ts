/**
 * The refresh lease and token writes on the datasource item: single-item conditional updates only
 * (the embedded store has no transactions). Every write after a refresh is fenced by `tokenVersion`,
 * which each token write bumps, so a writer that lost its lease can never overwrite newer tokens.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { datasourceKey, recordFromItem, tokenExpiryIndex, type DatasourceRecord, type DatasourceRef } from '../datasources/model.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import type { TokenSet } from '../tiktok/index.ts';
import type { SealedTokens } from './vault.ts';

/** A lease we took; `abandoned` when it replaced an expired lease whose owner never gave it back. */
export interface Leased {
  record: DatasourceRecord;
  /** The previous owner died (or lost its store) mid-refresh: whether TikTok processed its call is unknown. */
  abandoned: boolean;
}

/**
 * Takes the lease if the item is active, still at `observedVersion`, and nobody holds an unexpired
 * lease. Returns the item (with its sealed tokens), or undefined when the condition failed.
 * ALL_OLD (not ALL_NEW) so an expired lease left behind by a dead owner is seen, atomically.
 */
export async function acquireLease(
  deps: DatasourceStoreDeps,
  ref: DatasourceRef,
  p: { owner: string; observedVersion: number; leaseMs: number },
): Promise<Leased | undefined> {
  const now = deps.now();
  const until = now + p.leaseMs;
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression: 'SET leaseOwner = :me, leaseUntil = :until',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :active AND tokenVersion = :v AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':me': p.owner, ':until': until, ':now': now, ':v': p.observedVersion, ':active': 'active' },
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );
  if (!res) return undefined;
  const old = res.Attributes ?? {};
  const previousOwner = typeof old.leaseOwner === 'string' ? old.leaseOwner : undefined;
  return {
    record: recordFromItem({ ...old, leaseOwner: p.owner, leaseUntil: until }),
    abandoned: previousOwner !== undefined && previousOwner !== p.owner,
  };
}

/**
 * Gives the lease back after a failed refresh. A lease that is no longer ours is left alone. With
 * `uncertain`, also records that TikTok may have processed (and rotated) the refresh all the same.
 */
export async function releaseLease(deps: DatasourceStoreDeps, ref: DatasourceRef, owner: string, uncertain?: { cause: string }): Promise<void> {
  await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression: uncertain
          ? 'SET refreshUncertainAt = :now, refreshUncertainCause = :cause REMOVE leaseOwner, leaseUntil'
          : 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :me',
        ExpressionAttributeValues: uncertain ? { ':me': owner, ':now': deps.now(), ':cause': uncertain.cause } : { ':me': owner },
      }),
    ),
  );
}

/** Cleared by every token write: stored tokens (or the verdict) end the uncertainty. */
const UNCERTAIN_ATTRIBUTES = ', refreshUncertainAt, refreshUncertainCause';

export type Fence = { kind: 'lease'; owner: string; observedVersion: number } | { kind: 'version'; observedVersion: number };

/**
 * One UpdateItem under the fence (lease owner and/or token version). Every write after a refresh
 * goes through here; it also bumps tokenVersion and drops the lease. Undefined when the fence failed.
 */
async function fencedUpdate(
  deps: DatasourceStoreDeps,
  ref: DatasourceRef,
  fence: Fence,
  update: { set: string; remove: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<DatasourceRecord | undefined> {
  const condition =
    fence.kind === 'lease'
      ? { expression: 'leaseOwner = :me AND tokenVersion = :v', values: { ':me': fence.owner, ':v': fence.observedVersion } }
      : { expression: 'tokenVersion = :v', values: { ':v': fence.observedVersion } };
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        UpdateExpression: `SET ${update.set}, tokenVersion = tokenVersion + :one, updatedAt = :now REMOVE leaseOwner, leaseUntil${update.remove}`,
        ConditionExpression: condition.expression,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: { ...condition.values, ...update.values, ':one': 1, ':now': new Date(deps.now()).toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return res && recordFromItem(res.Attributes ?? {});
}

/**
 * Stores the rotated refresh token and the new access token in ONE conditional update that also
 * releases the lease and moves the gsi2 expiry. Returns the new item, or undefined when the fence failed.
 */
export function saveRefreshedTokens(
  deps: DatasourceStoreDeps,
  ref: DatasourceRef,
  fence: Fence,
  sealed: SealedTokens,
  tokens: TokenSet,
  previousScopes: string[],
): Promise<DatasourceRecord | undefined> {
  const index = tokenExpiryIndex(ref, tokens.accessTokenExpiresAt);
  return fencedUpdate(deps, ref, fence, {
    set:
      '#tokens = :tokens, accessTokenExpiresAt = :atExp, refreshTokenExpiresAt = :rtExp, scopes = :scopes, lastRefreshAt = :now, gsi2pk = :gsi2pk, gsi2sk = :gsi2sk',
    remove: UNCERTAIN_ATTRIBUTES,
    names: { '#tokens': 'tokens' },
    values: {
      ':tokens': sealed,
      ':atExp': tokens.accessTokenExpiresAt,
      ':rtExp': tokens.refreshTokenExpiresAt,
      // A refresh response without `scope` keeps what was granted.
      ':scopes': tokens.scopes.length > 0 ? tokens.scopes : previousScopes,
      ':gsi2pk': index.gsi2pk,
      ':gsi2sk': index.gsi2sk,
    },
  });
}

/**
 * TikTok rejected the refresh token: `needs_reauth`, out of the sweep's index, lease released. The
 * datasource, its settings and its history stay. Returns false when the fence failed.
 */
export async function markNeedsReauth(deps: DatasourceStoreDeps, ref: DatasourceRef, fence: Fence, reason: string): Promise<boolean> {
  const res = await fencedUpdate(deps, ref, fence, {
    set: '#status = :nr, statusReason = :reason',
    remove: `, gsi2pk, gsi2sk${UNCERTAIN_ATTRIBUTES}`,
    names: { '#status': 'status' },
    values: { ':nr': 'needs_reauth', ':reason': reason },
  });
  return res !== undefined;
}
