/**
 * Deleting a datasource: the tokens leave storage first (status `revoked`, envelope removed, out of
 * the refresh index) so they are gone whatever happens next; then the access token is revoked at
 * TikTok with the copy held in memory; then the items are deleted. If TikTok cannot be reached the
 * deletion still completes and the result says the revoke failed.
 *
 * Revoking removes the app from the TikTok account, so another tenant that connected the same
 * account loses access too (TikTok has one grant per app and user). The tenant's webhooks then hear
 * datasource.revoked with reason `deleted` (docs/webhooks.md), whether or not TikTok confirmed.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '../logger.ts';
import { isTikTokError, type TikTokClient } from '../tiktok/index.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import { emitDatasourceEvent } from '../webhooks/emit.ts';
import { datasourceNotFound } from './errors.ts';
import { datasourceKey, type DatasourceRef } from './model.ts';
import type { TokenSecrets, TokenVaultPort } from './token-port.ts';
import { deleteDatasourceItems, getDatasourceRecord, type DatasourceStoreDeps } from './store.ts';

export interface DeleteDatasourceDeps extends DatasourceStoreDeps {
  vault: TokenVaultPort;
  tiktok: () => Promise<TikTokClient>;
}

export type DeleteResult =
  | { deleted: true; revoked: true }
  | { deleted: true; revoked: false; reason: string; message: string };

/** false when the item is gone already. */
async function forgetTokens(deps: DatasourceStoreDeps, ref: DatasourceRef): Promise<boolean> {
  const done = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: datasourceKey(ref),
        // The version bump fences off a refresh in flight: it can no longer store tokens here.
        UpdateExpression:
          'SET #status = :revoked, updatedAt = :now, tokenVersion = if_not_exists(tokenVersion, :zero) + :one REMOVE #tokens, gsi2pk, gsi2sk, leaseOwner, leaseUntil',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status', '#tokens': 'tokens' },
        ExpressionAttributeValues: { ':revoked': 'revoked', ':now': new Date(deps.now()).toISOString(), ':zero': 0, ':one': 1 },
      }),
    ),
  );
  return done !== undefined;
}

async function revokeAtTikTok(deps: DeleteDatasourceDeps, ref: DatasourceRef, secrets: TokenSecrets | undefined): Promise<DeleteResult> {
  if (!secrets) {
    return { deleted: true, revoked: false, reason: 'no_tokens', message: 'No stored tokens were left to revoke at TikTok.' };
  }
  try {
    await (await deps.tiktok()).revokeToken(secrets.accessToken);
    return { deleted: true, revoked: true };
  } catch (err) {
    // Whatever went wrong, the deletion goes on: the tokens are already gone from storage.
    logger.warn('TikTok revoke failed; datasource deleted anyway', { ...ref, error: err as Error });
    const kind = isTikTokError(err) ? err.kind : undefined;
    return {
      deleted: true,
      revoked: false,
      reason: kind === 'token_invalid' || kind === 'invalid_grant' ? 'token_already_invalid' : kind ? `tiktok_${kind}` : 'revoke_failed',
      message: 'The datasource and its tokens were deleted, but TikTok did not confirm the revocation; the account owner can remove the app in TikTok settings.',
    };
  }
}

export async function deleteDatasource(deps: DeleteDatasourceDeps, ref: DatasourceRef): Promise<DeleteResult> {
  const record = await getDatasourceRecord(deps, ref);
  if (!record) throw datasourceNotFound(ref.datasourceId);
  let secrets: TokenSecrets | undefined;
  if (record.tokens !== undefined) {
    try {
      secrets = await deps.vault.open(ref, record.tokens);
    } catch (err) {
      logger.error('Stored tokens could not be opened; deleting without revoke', { ...ref, error: err as Error });
    }
  }
  if (!(await forgetTokens(deps, ref))) throw datasourceNotFound(ref.datasourceId);
  const result = await revokeAtTikTok(deps, ref, secrets);
  await deleteDatasourceItems(deps, ref, record.openId);
  // One event per datasource: a repeated DELETE is a 404 above, so the id needs no time part.
  await emitDatasourceEvent('datasource.revoked', ref.tenantId, record, ['deleted'], { reason: 'deleted' }, deps.now());
  return result;
}
