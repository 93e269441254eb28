/**
 * Stores a freshly connected TikTok account. Re-connecting the same account (same open_id) for the
 * same tenant updates the existing datasource (new tokens, back to `active`) instead of creating a
 * duplicate: a small `OPENID#<open_id>` item maps the account to its datasource id, claimed with a
 * conditional put, and the datasource itself is written by one UpdateItem (an upsert). No
 * transaction is needed: a crash between the two writes leaves a mapping to a datasource that does
 * not exist yet, and the next connect of that account simply creates it under the mapped id.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TokenSet } from '../tiktok/index.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { DatasourceStoreDeps } from './store.ts';
import type { TokenVaultPort } from './token-port.ts';
import { datasourceKey, newDatasourceId, openIdKey, publicDatasource, recordFromItem, tokenExpiryIndex, type Datasource } from './model.ts';

export interface ConnectedAccount {
  tenantId: string;
  /** The connect link's name. */
  name: string;
  displayName?: string;
  tokens: TokenSet;
}

export interface SavedConnection {
  datasource: Datasource;
  /** false when an existing datasource of this account was re-connected. */
  created: boolean;
}

async function mappedDatasourceId(deps: DatasourceStoreDeps, tenantId: string, openId: string): Promise<string | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: openIdKey(tenantId, openId), ConsistentRead: true }));
  return typeof res.Item?.datasourceId === 'string' ? res.Item.datasourceId : undefined;
}

/** The account's datasource id: the mapped one, or a new one claimed with a conditional put (a racing connect of the same account wins or joins). */
async function resolveDatasourceId(deps: DatasourceStoreDeps, tenantId: string, openId: string): Promise<string> {
  const existing = await mappedDatasourceId(deps, tenantId, openId);
  if (existing) return existing;
  const id = newDatasourceId();
  const claimed = await unlessConditionFails(
    deps.dynamo.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { ...openIdKey(tenantId, openId), type: 'datasourceOpenId', tenantId, openId, datasourceId: id, createdAt: new Date(deps.now()).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
  if (claimed) return id;
  const winner = await mappedDatasourceId(deps, tenantId, openId);
  if (!winner) throw new Error('The open_id mapping was claimed but cannot be read back.');
  return winner;
}

export async function saveConnectedAccount(deps: DatasourceStoreDeps, vault: TokenVaultPort, account: ConnectedAccount): Promise<SavedConnection> {
  const { tenantId, tokens } = account;
  const datasourceId = await resolveDatasourceId(deps, tenantId, tokens.openId);
  const ref = { tenantId, datasourceId };
  const sealed = await vault.seal(ref, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  const now = new Date(deps.now()).toISOString();
  const values: Record<string, unknown> = {
    ':type': 'datasource',
    ':id': datasourceId,
    ':tenantId': tenantId,
    ':name': account.name,
    ':active': 'active',
    ':scopes': tokens.scopes,
    ':openId': tokens.openId,
    ':atExp': tokens.accessTokenExpiresAt,
    ':rtExp': tokens.refreshTokenExpiresAt,
    ':tokens': sealed,
    ':now': now,
    ':zero': 0,
    ':one': 1,
    ...Object.fromEntries(Object.entries(tokenExpiryIndex(ref, tokens.accessTokenExpiresAt)).map(([k, v]) => [`:${k}`, v])),
  };
  const sets = [
    '#type = :type', 'id = :id', 'tenantId = :tenantId', '#name = :name', '#status = :active', 'scopes = :scopes',
    'openId = :openId', 'accessTokenExpiresAt = :atExp', 'refreshTokenExpiresAt = :rtExp', '#tokens = :tokens',
    'updatedAt = :now', 'createdAt = if_not_exists(createdAt, :now)',
    'tokenVersion = if_not_exists(tokenVersion, :zero) + :one', 'gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk',
  ];
  if (account.displayName) {
    sets.push('displayName = :displayName');
    values[':displayName'] = account.displayName;
  }
  const res = await deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: datasourceKey(ref),
      // A re-connect also ends any refresh lease: the version bump fences off a refresh still in flight.
      UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseOwner, leaseUntil, statusReason, refreshUncertainAt, refreshUncertainCause`,
      ExpressionAttributeNames: { '#type': 'type', '#name': 'name', '#status': 'status', '#tokens': 'tokens' },
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  const record = recordFromItem(res.Attributes ?? {});
  return { datasource: publicDatasource(record), created: record.tokenVersion === 1 };
}
