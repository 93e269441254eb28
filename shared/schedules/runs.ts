/**
 * Run items: one per (schedule, slot), `SCHED#<scheduleId>` / `RUN#<slot>`. The item is the
 * idempotency record of a delivery: it is created exactly once (conditional put = the slot claim),
 * and every later step is a conditional transition on it (shared/delivery/run-lifecycle.ts).
 *
 *   queued -> running (lease) -> succeeded
 *                             -> queued   (transient failure, another try follows)
 *                             -> failed   (permanent failure, or the last try, or the worker was lost)
 *
 * A `running` run carries gsi1 attributes (`LEASE#<shard>`, `<sweepAt>#<tenant>#<schedule>#<slot>`,
 * sweepAt = leaseUntil + LEASE_SWEEP_MARGIN_MS) until it leaves `running`: the dispatcher finds runs
 * whose worker died through the same index it finds due schedules with (never a scan). The schedule
 * item cannot carry this: its one gsi1 entry is its due time, already advanced past the slot.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors.ts';
import { keys, ttlFromMs, type TableDeps } from '../store/table.ts';
import { dueShard, DUE_SHARDS, type RunStatus } from './model.ts';
import { isSlot } from './slots.ts';
import { isConditionFailed } from '../store/conditional-write.ts';

/** Run history is kept this long (DynamoDB TTL; readers also skip expired items, the local store never deletes). */
export const RUN_RETENTION_MS = 90 * 86_400_000;
export const RUN_ITEM_TYPE = 'run';

export interface RunError {
  code: string;
  message: string;
}

export interface RunRecord {
  tenantId: string;
  scheduleId: string;
  slot: string;
  trigger: 'schedule' | 'manual';
  status: RunStatus;
  /** When the slot was due (ISO). */
  dueAt: string;
  queuedAt: string;
  /** Tries that took the lease. */
  attempts: number;
  startedAt?: string;
  finishedAt?: string;
  s3Key?: string;
  rowCount?: number;
  bytes?: number;
  durationMs?: number;
  error?: RunError;
  /** Slots skipped before this one because the dispatcher was late (only the latest due slot runs). */
  missedSlots?: number;
  /** Times the run waited for TikTok quota (no try spent); `waitingUntil` while it waits. */
  quotaWaits?: number;
  waitingUntil?: string;
  leaseOwner?: string;
  /** Epoch ms. */
  leaseUntil?: number;
  /** Times the dispatcher re-sent the run after its lease expired (a lost worker). */
  leaseResends?: number;
  ttl?: number;
}

export interface RunView {
  slot: string;
  trigger: 'schedule' | 'manual';
  status: RunStatus;
  dueAt: string;
  queuedAt: string;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  s3Key: string | null;
  rowCount: number | null;
  bytes: number | null;
  durationMs: number | null;
  error: RunError | null;
  missedSlots: number;
  quotaWaits: number;
}

/** The run items live in the one table. */
export type RunStoreDeps = TableDeps;

export function runKey(scheduleId: string, slot: string): { pk: string; sk: string } {
  return keys.run(scheduleId, slot);
}

export function runFromItem(item: Record<string, unknown>): RunRecord {
  const opt = <T>(v: unknown): T | undefined => (v === undefined || v === null ? undefined : (v as T));
  return {
    tenantId: String(item.tenantId),
    scheduleId: String(item.scheduleId),
    slot: String(item.slot),
    trigger: item.trigger === 'manual' ? 'manual' : 'schedule',
    status: item.status as RunStatus,
    dueAt: String(item.dueAt),
    queuedAt: String(item.queuedAt),
    attempts: Number(item.attempts ?? 0),
    startedAt: opt(item.startedAt),
    finishedAt: opt(item.finishedAt),
    s3Key: opt(item.s3Key),
    rowCount: opt(item.rowCount),
    bytes: opt(item.bytes),
    durationMs: opt(item.durationMs),
    error: opt(item.error),
    missedSlots: opt(item.missedSlots),
    quotaWaits: opt(item.quotaWaits),
    waitingUntil: opt(item.waitingUntil),
    leaseOwner: opt(item.leaseOwner),
    leaseUntil: opt(item.leaseUntil),
    leaseResends: opt(item.leaseResends),
    ttl: opt(item.ttl),
  };
}

export function runView(run: RunRecord): RunView {
  return {
    slot: run.slot,
    trigger: run.trigger,
    status: run.status,
    dueAt: run.dueAt,
    queuedAt: run.queuedAt,
    attempts: run.attempts,
    startedAt: run.startedAt ?? null,
    finishedAt: run.finishedAt ?? null,
    s3Key: run.s3Key ?? null,
    rowCount: run.rowCount ?? null,
    bytes: run.bytes ?? null,
    durationMs: run.durationMs ?? null,
    error: run.error ?? null,
    missedSlots: run.missedSlots ?? 0,
    quotaWaits: run.quotaWaits ?? 0,
  };
}

/** gsi1 partition prefix of running runs (sparse: only `running` runs have it). */
export const LEASE_PREFIX = 'LEASE#';
/**
 * A lease this long past its end means the worker is gone. Leases are renewed by a heartbeat
 * (shared/delivery), so only clock skew between workers and a late renewal need covering.
 */
export const LEASE_SWEEP_MARGIN_MS = 30_000;
/** The lost-worker error recorded on a run that ran out of tries that way. */
export const WORKER_LOST_CODE = 'worker_lost';

/** The lease index entry of a running run, due for the sweep at `sweepAtMs`. */
export function leaseIndex(run: Pick<RunRecord, 'tenantId' | 'scheduleId' | 'slot'>, sweepAtMs: number): { gsi1pk: string; gsi1sk: string } {
  return {
    gsi1pk: `${LEASE_PREFIX}${dueShard(run.scheduleId)}`,
    gsi1sk: `${new Date(sweepAtMs).toISOString()}#${run.tenantId}#${run.scheduleId}#${run.slot}`,
  };
}

export const LEASE_SHARD_IDS: readonly number[] = Array.from({ length: DUE_SHARDS }, (_, i) => i);

export interface ExpiredLeaseEntry {
  tenantId: string;
  scheduleId: string;
  slot: string;
  /** The index sort key read: the optimistic token of the sweep's conditional write. */
  gsi1sk: string;
}

/**
 * Running runs of one shard whose sweep time passed, oldest first, at most `limit`. The index is
 * eventually consistent: callers re-read the run before acting on it.
 */
export async function queryExpiredLeases(deps: RunStoreDeps, shard: number, nowMs: number, limit: number): Promise<ExpiredLeaseEntry[]> {
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :upTo',
      ExpressionAttributeValues: { ':pk': `${LEASE_PREFIX}${shard}`, ':upTo': `${new Date(nowMs).toISOString()}#~` },
      ProjectionExpression: 'tenantId, scheduleId, slot, gsi1sk, #type',
      ExpressionAttributeNames: { '#type': 'type' },
      Limit: limit,
    }),
  );
  return (res.Items ?? [])
    .filter((i) => i.type === RUN_ITEM_TYPE && typeof i.gsi1sk === 'string')
    .map((i) => ({ tenantId: String(i.tenantId), scheduleId: String(i.scheduleId), slot: String(i.slot), gsi1sk: String(i.gsi1sk) }));
}

/** The run as the sweep saw it: only a write against exactly this state goes through. */
function expiredLeaseGuard(run: RunRecord, seenSk: string) {
  return {
    ConditionExpression: '#status = :running AND leaseOwner = :owner AND leaseUntil = :until AND gsi1sk = :seenSk',
    values: { ':running': 'running', ':owner': run.leaseOwner, ':until': run.leaseUntil, ':seenSk': seenSk },
  };
}

/**
 * Marks an expired lease as re-sent: moves its sweep time to `nextSweepMs` and counts the re-send.
 * Only one dispatcher wins, so only one sends; the run stays `running` with its expired lease, which
 * the re-sent message's worker takes over (acquireRunLease: `leaseUntil < now`).
 */
export async function markLeaseResent(deps: RunStoreDeps, run: RunRecord, seenSk: string, nextSweepMs: number): Promise<boolean> {
  const guard = expiredLeaseGuard(run, seenSk);
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: runKey(run.scheduleId, run.slot),
        UpdateExpression: 'SET gsi1sk = :next ADD leaseResends :one',
        ConditionExpression: guard.ConditionExpression,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...guard.values, ':next': leaseIndex(run, nextSweepMs).gsi1sk, ':one': 1 },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Ends a run whose workers kept dying: `failed` with the reason, out of the lease index. */
export async function markLeaseLost(deps: RunStoreDeps, run: RunRecord, seenSk: string, error: RunError, finishedAt: string): Promise<boolean> {
  const guard = expiredLeaseGuard(run, seenSk);
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: runKey(run.scheduleId, run.slot),
        UpdateExpression: 'SET #status = :failed, #error = :error, finishedAt = :finishedAt REMOVE leaseOwner, leaseUntil, gsi1pk, gsi1sk',
        ConditionExpression: guard.ConditionExpression,
        ExpressionAttributeNames: { '#status': 'status', '#error': 'error' },
        ExpressionAttributeValues: { ...guard.values, ':failed': 'failed', ':error': error, ':finishedAt': finishedAt },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

export type ClaimResult = { claimed: true; run: RunRecord } | { claimed: false; existing: RunRecord | undefined };

/**
 * THE slot claim: creates the run item `queued` only if no run exists for the slot. Whoever creates
 * it owns the slot; a duplicate or concurrent claimer gets the existing run back (read again,
 * because the local store ignores ReturnValuesOnConditionCheckFailure).
 */
export async function claimRun(
  deps: RunStoreDeps,
  init: { tenantId: string; scheduleId: string; slot: string; trigger: 'schedule' | 'manual'; dueAt: string; missedSlots?: number },
  nowMs: number,
): Promise<ClaimResult> {
  const run: RunRecord = {
    ...init,
    status: 'queued',
    queuedAt: new Date(nowMs).toISOString(),
    attempts: 0,
    ttl: ttlFromMs(nowMs + RUN_RETENTION_MS),
  };
  if (!run.missedSlots) delete run.missedSlots;
  try {
    await deps.dynamo.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { ...runKey(init.scheduleId, init.slot), type: RUN_ITEM_TYPE, ...run },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { claimed: true, run };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return { claimed: false, existing: await getRun(deps, init.scheduleId, init.slot) };
  }
}

export async function getRun(deps: RunStoreDeps, scheduleId: string, slot: string): Promise<RunRecord | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: runKey(scheduleId, slot), ConsistentRead: true }));
  return res.Item && res.Item.type === RUN_ITEM_TYPE ? runFromItem(res.Item) : undefined;
}

/**
 * Re-sends a claimed run whose message never left (the claimer died between claim and send): only
 * one dispatcher wins the touch of `queuedAt`, so only one re-sends.
 */
export async function touchQueuedRun(deps: RunStoreDeps, run: RunRecord, nowMs: number): Promise<boolean> {
  try {
    await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: runKey(run.scheduleId, run.slot),
        UpdateExpression: 'SET queuedAt = :now',
        ConditionExpression: '#status = :queued AND queuedAt = :seen',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now': new Date(nowMs).toISOString(), ':queued': 'queued', ':seen': run.queuedAt },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

function encodeToken(slot: string): string {
  return Buffer.from(JSON.stringify({ slot }), 'utf8').toString('base64url');
}

function decodeToken(token: string): string {
  try {
    const slot = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { slot?: unknown }).slot;
    if (typeof slot === 'string' && isSlot(slot)) return slot;
  } catch {
    // fall through
  }
  throw new ValidationError('Invalid nextToken: pass the value of a previous response unchanged.', 'nextToken');
}

/** Run history of one schedule, newest slot first. */
export async function listRuns(
  deps: RunStoreDeps,
  scheduleId: string,
  options: { limit: number; nextToken?: string; nowMs: number },
): Promise<{ items: RunRecord[]; nextToken?: string }> {
  const pk = runKey(scheduleId, '').pk;
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pk, ':prefix': 'RUN#' },
      ScanIndexForward: false,
      Limit: options.limit,
      ...(options.nextToken ? { ExclusiveStartKey: runKey(scheduleId, decodeToken(options.nextToken)) } : {}),
    }),
  );
  const nowSeconds = ttlFromMs(options.nowMs);
  const items = (res.Items ?? [])
    .filter((i) => i.type === RUN_ITEM_TYPE && !(typeof i.ttl === 'number' && i.ttl < nowSeconds))
    .map(runFromItem);
  const lastSk = res.LastEvaluatedKey?.sk;
  return { items, ...(typeof lastSk === 'string' ? { nextToken: encodeToken(lastSk.slice('RUN#'.length)) } : {}) };
}
