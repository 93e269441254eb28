/**
 * Transitions of a run item while a worker executes it. Each one is a single conditional update:
 * only the lease holder moves a running run, and a finished run never moves again.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, conditionHeld } from '../store/conditional-write.ts';
import { buildUpdate } from '../store/update-expression.ts';
import {
  leaseIndex,
  LEASE_SWEEP_MARGIN_MS,
  runFromItem,
  runKey,
  type RunError,
  type RunRecord,
  type RunStoreDeps,
} from '../schedules/index.ts';

export interface RunRef {
  scheduleId: string;
  slot: string;
}

/**
 * Takes the run: from `queued`, or from `running` whose lease ran out (its worker died). Counts the
 * try. Undefined when there is no such run of this tenant, the run is finished, or another worker
 * holds a live lease (the caller reads the run to tell which). The run enters the lease index, due
 * for the dispatcher's sweep once the lease is LEASE_SWEEP_MARGIN_MS past its end (the worker died).
 */
export async function acquireRunLease(
  deps: RunStoreDeps,
  ref: RunRef & { tenantId: string },
  owner: string,
  nowMs: number,
  leaseMs: number,
): Promise<RunRecord | undefined> {
  const until = nowMs + leaseMs;
  const index = leaseIndex(ref, until + LEASE_SWEEP_MARGIN_MS);
  try {
    const res = await deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: runKey(ref.scheduleId, ref.slot),
        UpdateExpression:
          'SET #status = :running, leaseOwner = :owner, leaseUntil = :until, startedAt = :started, gsi1pk = :gpk, gsi1sk = :gsk ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant AND (#status = :queued OR (#status = :running AND leaseUntil < :now))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':running': 'running',
          ':queued': 'queued',
          ':owner': owner,
          ':until': until,
          ':gpk': index.gsi1pk,
          ':gsk': index.gsi1sk,
          ':now': nowMs,
          ':started': new Date(nowMs).toISOString(),
          ':one': 1,
          ':tenant': ref.tenantId,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return res.Attributes ? runFromItem(res.Attributes) : undefined;
  } catch (err) {
    if (isConditionFailed(err)) return undefined;
    throw err;
  }
}

/**
 * The heartbeat: the lease holder pushes its lease (and its lease index entry) `leaseMs` on. False
 * when the run is no longer this owner's (finished, or taken over after the lease ran out).
 */
export async function renewRunLease(
  deps: RunStoreDeps,
  ref: RunRef & { tenantId: string },
  owner: string,
  nowMs: number,
  leaseMs: number,
): Promise<boolean> {
  const until = nowMs + leaseMs;
  const index = leaseIndex(ref, until + LEASE_SWEEP_MARGIN_MS);
  return conditionHeld(deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: runKey(ref.scheduleId, ref.slot),
      UpdateExpression: 'SET leaseUntil = :until, gsi1sk = :gsk',
      ConditionExpression: '#status = :running AND leaseOwner = :owner',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':until': until, ':gsk': index.gsi1sk, ':running': 'running', ':owner': owner },
    }),
  ));
}

async function transition(
  deps: RunStoreDeps,
  ref: RunRef,
  owner: string,
  set: Record<string, unknown>,
  remove: string[],
): Promise<boolean> {
  return conditionHeld(deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: runKey(ref.scheduleId, ref.slot),
      ConditionExpression: '#status = :running AND leaseOwner = :owner',
      ...buildUpdate(set, remove, { names: { '#status': 'status' }, values: { ':owner': owner, ':running': 'running' } }),
    }),
  ));
}

/** What a run drops when it leaves `running`: the lease and its entry in the lease index. */
const LEAVES_RUNNING = ['leaseOwner', 'leaseUntil', 'gsi1pk', 'gsi1sk'];

export function markRunSucceeded(
  deps: RunStoreDeps,
  ref: RunRef,
  owner: string,
  result: { s3Key: string; rowCount: number; bytes: number; durationMs: number; finishedAt: string },
): Promise<boolean> {
  return transition(deps, ref, owner, { status: 'succeeded', ...result }, [...LEAVES_RUNNING, 'error']);
}

/** Back to `queued` with the reason: the queue delivers the message again after a backoff. */
export function markRunForRetry(deps: RunStoreDeps, ref: RunRef, owner: string, error: RunError): Promise<boolean> {
  return transition(deps, ref, owner, { status: 'queued', error }, LEAVES_RUNNING);
}

export function markRunFailed(
  deps: RunStoreDeps,
  ref: RunRef,
  owner: string,
  error: RunError,
  timing: { finishedAt: string; durationMs: number },
): Promise<boolean> {
  return transition(deps, ref, owner, { status: 'failed', error, ...timing }, LEAVES_RUNNING);
}

/**
 * No TikTok permit yet (the shared quota is busy): back to `queued` without spending the try that
 * acquireRunLease counted (docs/quota.md: waiting for quota is not a failure). The caller re-sends
 * the message delayed; the run's last error is left as it was.
 */
export async function markRunWaiting(deps: RunStoreDeps, ref: RunRef, owner: string, waitingUntil: string): Promise<boolean> {
  return conditionHeld(deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: runKey(ref.scheduleId, ref.slot),
      ConditionExpression: '#status = :running AND leaseOwner = :owner',
      UpdateExpression: `SET #status = :queued, waitingUntil = :until REMOVE ${LEAVES_RUNNING.join(', ')} ADD attempts :minusOne, quotaWaits :one`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':owner': owner, ':until': waitingUntil, ':minusOne': -1, ':one': 1 },
    }),
  ));
}
