/**
 * Reading and removing datasource items. Every read is by the tenant's own partition key, so another
 * tenant's id is simply not found (404), never a permission question.
 */
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pagingToken } from '../store/paging-token.ts';
import { keys, type ClockedTableDeps } from '../store/table.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import { datasourceNotFound } from './errors.ts';
import { DATASOURCE_SK_PREFIX, datasourceKey, openIdKey, publicDatasource, recordFromItem, type Datasource, type DatasourceRecord, type DatasourceRef } from './model.ts';

export type DatasourceStoreDeps = ClockedTableDeps;

/** One strongly consistent GetItem: right after a refresh elsewhere, the new token is what is read. */
export async function getDatasourceRecord(deps: DatasourceStoreDeps, ref: DatasourceRef): Promise<DatasourceRecord | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: datasourceKey(ref), ConsistentRead: true }));
  return res.Item ? recordFromItem(res.Item) : undefined;
}

/** `assertDatasource` of the services that take a datasource id (schedules, exports): 404 unless it is the tenant's. */
export function datasourceCheck(deps: DatasourceStoreDeps): (tenantId: string, datasourceId: string) => Promise<void> {
  return async (tenantId, datasourceId) => {
    await getDatasource(deps, { tenantId, datasourceId });
  };
}

/** The datasource without its tokens; 404 when unknown or another tenant's. */
export async function getDatasource(deps: DatasourceStoreDeps, ref: DatasourceRef): Promise<Datasource> {
  const record = await getDatasourceRecord(deps, ref);
  if (!record) throw datasourceNotFound(ref.datasourceId);
  return publicDatasource(record);
}

export interface DatasourcePage {
  items: Datasource[];
  nextToken?: string;
}

// Only what a listing shows: the sealed tokens are never even read into a list response.
const LIST_ATTRIBUTES = [
  'id', 'tenantId', 'name', 'status', 'statusReason', 'scopes', 'openId', 'displayName',
  'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'createdAt', 'updatedAt', 'lastRefreshAt', 'tokenVersion',
];

/** The token only carries a sort key inside the caller's own partition, so it cannot reach another tenant. */
const pageToken = pagingToken('sk', (sk) => sk.startsWith(DATASOURCE_SK_PREFIX) && sk.length < 200);

export async function listDatasources(
  deps: DatasourceStoreDeps,
  tenantId: string,
  options: { limit: number; nextToken?: string },
): Promise<DatasourcePage> {
  const pk = keys.tenant(tenantId).pk;
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': DATASOURCE_SK_PREFIX },
      ExpressionAttributeNames: Object.fromEntries(LIST_ATTRIBUTES.map((a) => [`#${a}`, a])),
      ProjectionExpression: LIST_ATTRIBUTES.map((a) => `#${a}`).join(', '),
      Limit: options.limit,
      ...(options.nextToken ? { ExclusiveStartKey: { pk, sk: pageToken.decode(options.nextToken) } } : {}),
    }),
  );
  const items = (res.Items ?? []).map((i) => publicDatasource(recordFromItem(i)));
  const last = res.LastEvaluatedKey?.sk;
  return { items, ...(typeof last === 'string' ? { nextToken: pageToken.encode(last) } : {}) };
}

/** Removes the datasource item and its open_id mapping (if it still points here). Idempotent. */
export async function deleteDatasourceItems(deps: DatasourceStoreDeps, ref: DatasourceRef, openId: string): Promise<void> {
  await deps.dynamo.send(new DeleteCommand({ TableName: deps.tableName, Key: datasourceKey(ref) }));
  await unlessConditionFails(
    deps.dynamo.send(
      new DeleteCommand({
        TableName: deps.tableName,
        Key: openIdKey(ref.tenantId, openId),
        ConditionExpression: 'datasourceId = :id',
        ExpressionAttributeValues: { ':id': ref.datasourceId },
      }),
    ),
  );
}
