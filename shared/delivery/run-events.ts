/**
 * run.succeeded / run.failed after a delivery, and the built-in "schedule failing three runs in a
 * row" alert (a counter on the schedule item: a success resets it, the third failure in a row fires).
 * The event id is (schedule, slot, outcome): a redelivered run repeats the same id.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RunOutcome } from './execute-run.ts';
import { tryLink, type DownloadSigner } from '../store/download.ts';
import { logger } from '../logger.ts';
import type { RunMessage } from '../queue/index.ts';
import { getScheduleRecord } from '../schedules/store.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import { makeEvent } from '../webhooks/events.ts';
import { emitEvent } from '../webhooks/queue.ts';
import type { StoreDeps } from '../webhooks/store.ts';

export const FAILING_RUNS_THRESHOLD = 3;

export async function notifyRunOutcome(deps: StoreDeps & { now(): number; signer?: DownloadSigner }, message: RunMessage, outcome: RunOutcome): Promise<void> {
  if (outcome.kind !== 'succeeded' && outcome.kind !== 'failed') return;
  try {
    const { tenantId, scheduleId, slot } = message;
    const schedule = await getScheduleRecord(deps, tenantId, scheduleId);
    const scheduleRef = { id: scheduleId, name: schedule?.name ?? '' };
    const datasourceId = schedule?.datasourceId ?? '';
    const nowMs = deps.now();
    if (outcome.kind === 'succeeded') {
      const link = tryLink(deps.signer, outcome.s3Key, nowMs);
      await emitEvent(
        tenantId,
        makeEvent('run.succeeded', [scheduleId, slot], {
          schedule: scheduleRef,
          slot,
          datasourceId,
          rows: outcome.rowCount,
          bytes: outcome.bytes,
          s3Key: outcome.s3Key,
          ...(link ? { downloadUrl: link.downloadUrl, downloadExpiresAt: link.expiresAt } : {}),
        }, nowMs),
      );
      await failureStreak(deps, tenantId, scheduleId, 'reset');
      return;
    }
    await emitEvent(tenantId, makeEvent('run.failed', [scheduleId, slot], { schedule: scheduleRef, slot, datasourceId, attempt: outcome.attempt, error: outcome.error }, nowMs));
    const streak = await failureStreak(deps, tenantId, scheduleId, 'add');
    if (streak === FAILING_RUNS_THRESHOLD) {
      await emitEvent(
        tenantId,
        makeEvent('alert.triggered', ['builtin.schedule_failing', scheduleId, slot], {
          alert: { id: 'builtin.schedule_failing', name: `Schedule failing ${FAILING_RUNS_THRESHOLD} runs in a row`, builtin: true },
          datasourceId,
          rowCount: 1,
          rows: [{ scheduleId, name: scheduleRef.name, slot, error: outcome.error }],
        }, nowMs),
      );
    }
  } catch (err) {
    logger.warn('Run notification failed', { ...message, error: err as Error });
  }
}

async function failureStreak(deps: StoreDeps, tenantId: string, scheduleId: string, op: 'add' | 'reset'): Promise<number | undefined> {
  const res = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: { pk: `TENANT#${tenantId}`, sk: `SCHED#${scheduleId}` },
        UpdateExpression: op === 'add' ? 'ADD failedRunsInARow :one' : 'SET failedRunsInARow = :zero',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: op === 'add' ? { ':one': 1 } : { ':zero': 0 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  const v = res?.Attributes?.failedRunsInARow;
  return typeof v === 'number' ? v : undefined;
}
