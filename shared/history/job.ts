/**
 * One queued snapshot job (report-generate hands it `snapshot:` run messages): capture the day,
 * record the outcome on the claim item, and tell the queue whether to try again. Failures are
 * classified like scheduled reports' (shared/delivery/failure.ts): TikTok 429/5xx and AWS hiccups
 * are retried with backoff up to the queue's receive limit; a datasource that needs re-auth, a
 * revoked one, or a day that is over fail for good, and the day stays missing (null), never zero.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { classifyFailure } from '../delivery/failure.ts';
import { logger } from '../logger.ts';
import type { RunError } from '../schedules/index.ts';
import { keys } from '../store/table.ts';
import { captureSnapshot, type CaptureDeps, type SnapshotSource } from './capture.ts';
import type { SnapshotJob } from './dispatch.ts';

export type SnapshotOutcome =
  | { kind: 'succeeded'; videoKind?: string; videos?: number; items?: number; bytes?: number }
  | { kind: 'skipped'; reason: 'already_succeeded' }
  | { kind: 'retry'; error: RunError; attempt: number; retryAfterSeconds?: number }
  | { kind: 'failed'; error: RunError; attempt: number; retryable: boolean };

export interface SnapshotJobDeps extends CaptureDeps {
  source(job: SnapshotJob): SnapshotSource;
  /** Tries before the day is given up (the queue's maxReceiveCount). */
  maxAttempts: number;
}

async function record(deps: SnapshotJobDeps, job: SnapshotJob, status: 'succeeded' | 'failed' | 'queued', attempt: number, extra: Record<string, unknown>) {
  const names: Record<string, string> = { '#s': 'status' };
  const values: Record<string, unknown> = { ':s': status, ':a': attempt, ':at': deps.now(), ':t': job.tenantId };
  const sets = ['#s = :s', 'attempts = :a', 'updatedAt = :at', 'tenantId = :t'];
  for (const [k, v] of Object.entries(extra)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  await deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.snapshotRun(job.datasourceId, job.day),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

export async function runSnapshotJob(deps: SnapshotJobDeps, job: SnapshotJob, attempt: { receiveCount: number }): Promise<SnapshotOutcome> {
  const tries = attempt.receiveCount;
  try {
    const result = await captureSnapshot(job, deps.source(job), deps);
    if (result.status === 'expired') {
      const error = { code: 'snapshot_day_over', message: `The day ${job.day} ended before its snapshot could be taken; it stays missing.` };
      await record(deps, job, 'failed', tries, { error });
      return { kind: 'failed', error, attempt: tries, retryable: false };
    }
    await record(deps, job, 'succeeded', tries, { videoKind: result.videoKind ?? 'none', videos: result.videos ?? 0, bytes: result.bytes ?? 0 });
    return result.status === 'exists'
      ? { kind: 'skipped', reason: 'already_succeeded' }
      : { kind: 'succeeded', videoKind: result.videoKind, videos: result.videos, items: result.items, bytes: result.bytes };
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure.retryable && tries < deps.maxAttempts) {
      await record(deps, job, 'queued', tries, { error: failure.error });
      return { kind: 'retry', error: failure.error, attempt: tries, ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) };
    }
    logger.warn('Snapshot failed; the day stays missing', { ...job, code: failure.error.code });
    await record(deps, job, 'failed', tries, { error: failure.error });
    return { kind: 'failed', error: failure.error, attempt: tries, retryable: failure.retryable };
  }
}
