/**
 * The export item's transitions, each one conditional update (no transactions: dynalite and the
 * single-table rule). Only the lease holder moves a running export; a finished one never moves.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, conditionHeld } from '../store/conditional-write.ts';
import { buildUpdate } from '../store/update-expression.ts';
import { ttlFromMs, type TableDeps } from '../store/table.ts';
import { exportFromItem, exportKey, type ExportRecord } from './model.ts';

export type ExportStoreDeps = TableDeps;

export type ExportRef = Pick<ExportRecord, 'tenantId' | 'id'>;

export async function putNewExport(deps: ExportStoreDeps, record: ExportRecord): Promise<void> {
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: { ...exportKey(record.tenantId, record.id), type: 'export', ...record },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getExport(deps: ExportStoreDeps, ref: ExportRef, nowMs: number): Promise<ExportRecord | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: exportKey(ref.tenantId, ref.id), ConsistentRead: true }));
  const item = res.Item;
  // DynamoDB deletes expired items late (the local store never): readers skip them.
  if (!item || item.type !== 'export' || (typeof item.ttl === 'number' && item.ttl < ttlFromMs(nowMs))) return undefined;
  return exportFromItem(item);
}

/** Queued or running exports of a tenant, among its newest `scan` (ids sort by creation time). */
export async function countActiveExports(deps: ExportStoreDeps, tenantId: string, nowMs: number, scan = 100): Promise<number> {
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':prefix': 'EXPORT#' },
      ProjectionExpression: '#status, #ttl',
      ExpressionAttributeNames: { '#status': 'status', '#ttl': 'ttl' },
      ScanIndexForward: false,
      Limit: scan,
    }),
  );
  const nowSeconds = ttlFromMs(nowMs);
  return (res.Items ?? []).filter((i) => (i.status === 'queued' || i.status === 'running') && !(typeof i.ttl === 'number' && i.ttl < nowSeconds)).length;
}

/**
 * Takes the export for one invocation: from `queued`, or `running` with no live lease (between
 * invocations the lease is released; a crashed worker's runs out). Undefined: finished, or another
 * worker holds it (a duplicate SQS delivery).
 */
export async function acquireExport(deps: ExportStoreDeps, ref: ExportRef, owner: string, nowMs: number, leaseMs: number): Promise<ExportRecord | undefined> {
  try {
    const res = await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: exportKey(ref.tenantId, ref.id),
        ConditionExpression: '#type = :type AND (#status = :queued OR #status = :running) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        UpdateExpression: 'SET #status = :running, leaseOwner = :owner, leaseUntil = :until, startedAt = if_not_exists(startedAt, :iso)',
        ExpressionAttributeNames: { '#status': 'status', '#type': 'type' },
        ExpressionAttributeValues: {
          ':type': 'export',
          ':queued': 'queued',
          ':running': 'running',
          ':now': nowMs,
          ':owner': owner,
          ':until': nowMs + leaseMs,
          ':iso': new Date(nowMs).toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return res.Attributes ? exportFromItem(res.Attributes) : undefined;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/**
 * A conditional change by the lease holder; `expectVersion` also guards the progress (a stale
 * worker's save is refused). False when the condition failed.
 */
export async function updateExport(
  deps: ExportStoreDeps,
  ref: ExportRef,
  owner: string,
  set: Record<string, unknown>,
  remove: readonly string[] = [],
  expectVersion?: number,
): Promise<boolean> {
  const update = buildUpdate(set, remove, {
    names: { '#lo': 'leaseOwner', '#ver': 'version' },
    values: { ':owner': owner, ...(expectVersion !== undefined ? { ':ver': expectVersion } : {}) },
  });
  if (expectVersion === undefined) delete update.ExpressionAttributeNames['#ver'];
  return conditionHeld(deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: exportKey(ref.tenantId, ref.id),
      ConditionExpression: `#lo = :owner${expectVersion !== undefined ? ' AND #ver = :ver' : ''}`,
      ...update,
    }),
  ));
}
