/**
 * Daily snapshots through THE dispatcher and THE report queue (no second scheduler). On each tick
 * the dispatcher calls `dispatchDailySnapshots`, which, once per UTC day:
 *
 *   1. reads the day's sweep item (`SNAPSWEEP#<day>`); done already -> nothing to do;
 *   2. lists active datasources from gsi2 (the token-expiry index holds every active datasource);
 *   3. claims each datasource's day once (`DS#<id>` / `SNAPRUN#<day>`, conditional put), queues a
 *      run message `{tenantId, scheduleId: "snapshot:<datasourceId>", slot: "<day>"}` and notes it
 *      sent; a claim whose message never went out is sent again once REQUEUE_AFTER_MS old;
 *   4. marks the sweep done once every claim's message is out. A crash anywhere leaves a state the
 *      next tick completes.
 *
 * report-generate hands `snapshot:` messages to `runSnapshotJob` (job.ts). A datasource that needs
 * re-authorisation is not listed, so its days stay missing (and show as null) until it is back.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { TOKEN_EXPIRY_PARTITION } from '../datasources/model.ts';
import { logger } from '../logger.ts';
import type { ReportQueue, RunMessage } from '../queue/index.ts';
import { keys } from '../store/table.ts';
import { dayOf, isDay, type Day } from './days.ts';

export const SNAPSHOT_SCHEDULE_PREFIX = 'snapshot:';
export const REQUEUE_AFTER_MS = 10 * 60_000;
/** Claim items are bookkeeping: kept 35 days (TTL), the snapshots themselves follow the retention. */
const CLAIM_TTL_DAYS = 35;

export interface SnapshotDispatchDeps {
  dynamo: DynamoDBDocumentClient;
  tableName: string;
  now(): number;
  queue: Pick<ReportQueue, 'send'>;
  /** Datasources claimed at once. */
  concurrency?: number;
  /** Epoch ms after which no new datasource is claimed (the Lambda's remaining time); the next tick goes on. */
  deadline?: number;
}

export interface SnapshotDispatchSummary {
  day: Day;
  /** The day's sweep had already finished. */
  done: boolean;
  datasources: number;
  claimed: number;
  alreadyClaimed: number;
  requeued: number;
  /** Claims whose message has not gone out yet (re-sent once REQUEUE_AFTER_MS old). */
  pending: number;
  failed: number;
}

export interface SnapshotJob {
  tenantId: string;
  datasourceId: string;
  day: Day;
}

export function snapshotMessage(job: SnapshotJob): RunMessage {
  return { tenantId: job.tenantId, scheduleId: `${SNAPSHOT_SCHEDULE_PREFIX}${job.datasourceId}`, slot: job.day };
}

/** The snapshot job a run message names, or undefined when it is an ordinary schedule run. */
export function parseSnapshotMessage(message: RunMessage): SnapshotJob | undefined {
  if (!message.scheduleId.startsWith(SNAPSHOT_SCHEDULE_PREFIX)) return undefined;
  const datasourceId = message.scheduleId.slice(SNAPSHOT_SCHEDULE_PREFIX.length);
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(datasourceId) || !isDay(message.slot)) return undefined;
  return { tenantId: message.tenantId, datasourceId, day: message.slot };
}

const claimTtl = (nowMs: number) => Math.floor(nowMs / 1000) + CLAIM_TTL_DAYS * 86_400;

async function* activeDatasources(deps: SnapshotDispatchDeps): AsyncGenerator<{ tenantId: string; datasourceId: string }> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :p',
        ExpressionAttributeValues: { ':p': TOKEN_EXPIRY_PARTITION },
        ExpressionAttributeNames: { '#id': 'id', '#t': 'tenantId', '#s': 'status' },
        ProjectionExpression: '#id, #t, #s',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of res.Items ?? []) {
      if (item.status === 'active' && typeof item.id === 'string' && typeof item.tenantId === 'string') yield { tenantId: item.tenantId, datasourceId: item.id };
    }
    start = res.LastEvaluatedKey;
  } while (start);
}

type ClaimOutcome = 'claimed' | 'alreadyClaimed' | 'requeued' | 'pending';

/** Records that the claim's message went out, so a later tick neither re-sends it nor waits for it. */
async function markSent(deps: SnapshotDispatchDeps, key: { pk: string; sk: string }, nowMs: number): Promise<void> {
  await deps.dynamo.send(
    new UpdateCommand({ TableName: deps.tableName, Key: key, UpdateExpression: 'SET sentAt = :now', ExpressionAttributeValues: { ':now': nowMs } }),
  );
}

async function claimAndQueue(deps: SnapshotDispatchDeps, job: SnapshotJob, nowMs: number): Promise<ClaimOutcome> {
  const key = keys.snapshotRun(job.datasourceId, job.day);
  try {
    await deps.dynamo.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { ...key, type: 'snapshotRun', tenantId: job.tenantId, datasourceId: job.datasourceId, day: job.day, status: 'queued', queuedAt: nowMs, attempts: 0, ttl: claimTtl(nowMs) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    await deps.queue.send([snapshotMessage(job)]);
    await markSent(deps, key, nowMs);
    return 'claimed';
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  }
  // Claimed before. A claim whose message never went out (the claimer died or the send failed) is
  // sent again once REQUEUE_AFTER_MS old; until then it is `pending` and the day is not done.
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: key,
        UpdateExpression: 'SET queuedAt = :now',
        ConditionExpression: '#s = :queued AND attribute_not_exists(sentAt) AND queuedAt <= :stale',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':now': nowMs, ':queued': 'queued', ':stale': nowMs - REQUEUE_AFTER_MS },
      }),
    );
  } catch (err) {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    const claim = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }));
    return claim.Item?.status === 'queued' && claim.Item.sentAt === undefined ? 'pending' : 'alreadyClaimed';
  }
  await deps.queue.send([snapshotMessage(job)]);
  await markSent(deps, key, nowMs);
  return 'requeued';
}

export async function dispatchDailySnapshots(deps: SnapshotDispatchDeps): Promise<SnapshotDispatchSummary> {
  const nowMs = deps.now();
  const day = dayOf(nowMs);
  const summary: SnapshotDispatchSummary = { day, done: false, datasources: 0, claimed: 0, alreadyClaimed: 0, requeued: 0, pending: 0, failed: 0 };
  const sweepKey = keys.snapshotSweep(day);
  const sweep = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: sweepKey, ConsistentRead: true }));
  if (sweep.Item?.status === 'done') return { ...summary, done: true };

  const limit = pLimit(deps.concurrency ?? 16);
  const work: Promise<void>[] = [];
  let cutShort = false;
  for await (const ref of activeDatasources(deps)) {
    summary.datasources += 1;
    work.push(
      limit(async () => {
        if (deps.deadline !== undefined && Date.now() > deps.deadline) {
          cutShort = true;
          return;
        }
        try {
          summary[await claimAndQueue(deps, { ...ref, day }, nowMs)] += 1;
        } catch (err) {
          summary.failed += 1;
          logger.error('Snapshot claim failed; the next tick retries', { ...ref, day, error: err as Error });
        }
      }),
    );
  }
  await Promise.all(work);
  if (summary.failed === 0 && summary.pending === 0 && !cutShort) {
    await deps.dynamo.send(
      new PutCommand({ TableName: deps.tableName, Item: { ...sweepKey, type: 'snapshotSweep', day, status: 'done', at: nowMs, datasources: summary.datasources, ttl: claimTtl(nowMs) } }),
    );
  }
  return summary;
}
