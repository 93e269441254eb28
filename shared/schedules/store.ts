/**
 * Schedule items in the single table. Single-item atomic operations only (the local store has no
 * transactions): creates are guarded by a per-tenant counter, API writes by a version number, and
 * the dispatcher's writes by the value of `nextRunAt` they read.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors.ts';
import { isConditionFailed } from '../store/conditional-write.ts';
import { pagingToken } from '../store/paging-token.ts';
import { createCounted, releaseCounted } from '../store/tenant-counter.ts';
import { buildUpdate } from '../store/update-expression.ts';
import type { TableDeps } from '../store/table.ts';
import {
  DUE_PREFIX,
  DUE_SHARDS,
  SCHEDULE_ITEM_TYPE,
  SCHEDULE_LIMITS,
  SCHEDULE_SK_PREFIX,
  dueIndex,
  recordFromItem,
  recordToItem,
  scheduleCounterKey,
  scheduleKey,
  type LastRun,
  type ScheduleRecord,
} from './model.ts';

export type StoreDeps = TableDeps;


export class ScheduleLimitError extends ConflictError {
  constructor(limit: number) {
    super('schedule_limit_reached', `A tenant can have at most ${limit} schedules; delete one first.`, { limit });
    this.name = 'ScheduleLimitError';
  }
}

/** Creates the schedule within the tenant's limit (a failed write gives its slot back). */
export async function putNewSchedule(deps: StoreDeps, record: ScheduleRecord, limit: number = SCHEDULE_LIMITS.maxPerTenant): Promise<void> {
  await createCounted(deps, { counter: scheduleCounterKey(record.tenantId), limit, counterType: 'scheduleCounter', full: () => new ScheduleLimitError(limit) }, () =>
    deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: recordToItem(record), ConditionExpression: 'attribute_not_exists(pk)' })),
  );
}

export async function getScheduleRecord(deps: StoreDeps, tenantId: string, scheduleId: string): Promise<ScheduleRecord | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: scheduleKey(tenantId, scheduleId), ConsistentRead: true }));
  return res.Item && res.Item.type === SCHEDULE_ITEM_TYPE ? recordFromItem(res.Item) : undefined;
}

/** Tokens carry only a schedule id: the key is rebuilt inside the caller's own partition. */
const pageToken = pagingToken('id', (id) => /^[A-Za-z0-9_-]{1,128}$/.test(id));

export async function listScheduleRecords(
  deps: StoreDeps,
  tenantId: string,
  options: { limit: number; nextToken?: string },
): Promise<{ items: ScheduleRecord[]; nextToken?: string }> {
  const pk = scheduleKey(tenantId, '').pk;
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': SCHEDULE_SK_PREFIX },
      Limit: options.limit,
      ...(options.nextToken ? { ExclusiveStartKey: scheduleKey(tenantId, pageToken.decode(options.nextToken)) } : {}),
    }),
  );
  const items = (res.Items ?? []).filter((i) => i.type === SCHEDULE_ITEM_TYPE).map(recordFromItem);
  const lastSk = res.LastEvaluatedKey?.sk;
  return { items, ...(typeof lastSk === 'string' ? { nextToken: pageToken.encode(lastSk.slice(SCHEDULE_SK_PREFIX.length)) } : {}) };
}

/**
 * Writes an API change if nobody changed the schedule since `expectedVersion` was read (409
 * otherwise). Only the members the API owns are written; the timing (anchor, nextRunAt and the due
 * index) only when `timing` is set, so a rename never undoes the dispatcher's progress.
 */
export async function updateScheduleDefinition(
  deps: StoreDeps,
  record: ScheduleRecord,
  expectedVersion: number,
  timing: boolean,
): Promise<void> {
  const set: Record<string, unknown> = {
    name: record.name,
    datasourceId: record.datasourceId,
    reportType: record.reportType,
    request: record.request,
    schedule: record.schedule,
    timezone: record.timezone,
    enabled: record.enabled,
    updatedAt: record.updatedAt,
    version: record.version,
  };
  const remove: string[] = [];
  if (timing) {
    set.anchorAt = record.anchorAt;
    const due = record.enabled ? dueIndex(record) : undefined;
    if (due) Object.assign(set, { nextRunAt: record.nextRunAt, ...due });
    else remove.push('nextRunAt', 'gsi1pk', 'gsi1sk');
  }
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: scheduleKey(record.tenantId, record.id),
        ConditionExpression: 'attribute_exists(pk) AND #v = :expected',
        // Every name through a placeholder: several (name, schedule, timezone...) are DynamoDB reserved words.
        ...buildUpdate(set, remove, { names: { '#v': 'version' }, values: { ':expected': expectedVersion } }),
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new ConflictError('schedule_changed', 'The schedule changed while this request was processed; read it again and retry.');
    throw err;
  }
}

/** Deletes the schedule; false when it did not exist. Its runs stay until their TTL. */
export async function deleteScheduleItem(deps: StoreDeps, tenantId: string, scheduleId: string): Promise<boolean> {
  try {
    await deps.dynamo.send(
      new DeleteCommand({ TableName: deps.tableName, Key: scheduleKey(tenantId, scheduleId), ConditionExpression: 'attribute_exists(pk)' }),
    );
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
  await releaseCounted(deps, scheduleCounterKey(tenantId));
  return true;
}

// ---- the dispatcher's side ----

export interface DueEntry {
  tenantId: string;
  scheduleId: string;
  nextRunAt: string;
}

/**
 * Due schedules of one shard, oldest first, through gsi1 (never a scan). The index is eventually
 * consistent: callers re-read each schedule before acting on it.
 */
export async function queryDueShard(
  deps: StoreDeps,
  shard: number,
  nowIso: string,
  options: { limit: number; startKey?: Record<string, unknown> },
): Promise<{ entries: DueEntry[]; lastKey?: Record<string, unknown> }> {
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upTo',
      ExpressionAttributeValues: { ':pk': `${DUE_PREFIX}${shard}`, ':upTo': `${nowIso}#~` },
      ProjectionExpression: 'tenantId, id, nextRunAt, #type',
      ExpressionAttributeNames: { '#type': 'type' },
      Limit: options.limit,
      ...(options.startKey ? { ExclusiveStartKey: options.startKey } : {}),
    }),
  );
  const entries = (res.Items ?? [])
    .filter((i) => i.type === SCHEDULE_ITEM_TYPE && typeof i.nextRunAt === 'string')
    .map((i) => ({ tenantId: String(i.tenantId), scheduleId: String(i.id), nextRunAt: String(i.nextRunAt) }));
  return { entries, lastKey: res.LastEvaluatedKey };
}

export const DUE_SHARD_IDS: readonly number[] = Array.from({ length: DUE_SHARDS }, (_, i) => i);

/**
 * Moves `nextRunAt` forward, only while the schedule is enabled and still due at `expectedNextRunAt`
 * (exact), or at any time not after `notAfter`. `next` undefined: no future run, the schedule leaves
 * the due index. False when another writer moved it first.
 */
export async function advanceNextRun(
  deps: StoreDeps,
  schedule: Pick<ScheduleRecord, 'tenantId' | 'id'>,
  guard: { expectedNextRunAt: string } | { notAfter: string },
  next: string | undefined,
): Promise<boolean> {
  const due = next ? dueIndex({ ...schedule, nextRunAt: next }) : undefined;
  const values: Record<string, unknown> = { ':true': true };
  let condition = 'enabled = :true AND ';
  if ('expectedNextRunAt' in guard) {
    condition += 'nextRunAt = :expected';
    values[':expected'] = guard.expectedNextRunAt;
  } else {
    condition += 'nextRunAt <= :notAfter';
    values[':notAfter'] = guard.notAfter;
  }
  let update: string;
  if (due && next) {
    update = 'SET nextRunAt = :next, gsi1pk = :gpk, gsi1sk = :gsk';
    Object.assign(values, { ':next': next, ':gpk': due.gsi1pk, ':gsk': due.gsi1sk });
  } else {
    update = 'REMOVE nextRunAt, gsi1pk, gsi1sk';
  }
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: scheduleKey(schedule.tenantId, schedule.id),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Records the newest finished run on the schedule (an older slot never overwrites a newer one). */
export async function recordLastRun(deps: StoreDeps, tenantId: string, scheduleId: string, lastRun: LastRun): Promise<void> {
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: scheduleKey(tenantId, scheduleId),
        UpdateExpression: 'SET lastRun = :lr',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastRun) OR lastRun.slot <= :slot)',
        ExpressionAttributeValues: { ':lr': lastRun, ':slot': lastRun.slot },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
}
