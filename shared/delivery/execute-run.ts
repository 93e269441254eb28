/**
 * Executing one run (schedule, slot): the report through the same code path as the API (runReport,
 * renderReport), rendered whole in memory, written in ONE PutObject, recorded on the run item.
 *
 * Idempotent per (schedule, slot), whatever the queue delivers twice:
 *   - the run item decides: a finished run short-circuits; a run another worker holds (live lease)
 *     is skipped; only the lease holder writes;
 *   - on a second or later try, HeadObject looks (before fetching anything) for the object an earlier
 *     try wrote before dying unrecorded: it is adopted, not written again. A first try cannot find
 *     one, so it does not look (s3rver ignores If-None-Match; AWS honours it as a second guard).
 * Failures, as the shared outcome flow decides (shared/runs/outcome.ts): transient ones put the run
 * back to `queued` and ask the queue for a retry with backoff; permanent ones (and the last try) mark
 * it `failed` with the reason. A needs_reauth datasource is
 * permanent: the run fails with a clear error and the schedule stays as it is.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import { QuotaExhaustedError } from '../quota/errors.ts';
import type { RunMessage } from '../queue/index.ts';
import { REPORT_QUEUE_SETTINGS } from '../queue/port.ts';
import type { ReportResult } from '../reports/index.ts';
import { decideAfterFailure, type OutcomeSettings } from '../runs/outcome.ts';
import {
  advanceNextRun,
  getRun,
  getScheduleRecord,
  nextRunAfter,
  parseScheduleExpression,
  recordLastRun,
  slotTime,
  type RunError,
  type RunStoreDeps,
} from '../schedules/index.ts';
import type { StoreDeps } from '../schedules/store.ts';
import { deliveryKey } from './object-key.ts';
import { acquireRunLease, markRunFailed, markRunForRetry, markRunSucceeded, markRunWaiting, renewRunLease, type RunRef } from './run-lifecycle.ts';
import { headDelivery, putDelivery } from './writer.ts';

/** The report domain as the delivery uses it (the real one in default-deps.ts; fakes in tests). */
export interface ReportPort {
  run(args: { tenantId: string; datasourceId: string; reportType: string; request: unknown; deadline?: number }): Promise<ReportResult>;
  render(result: ReportResult, format: string): { body: string | Uint8Array; contentType: string };
  /** File extension of a format (from the report renderer registry). */
  extension(format: string): string;
}

export interface DeliveryDeps extends RunStoreDeps, StoreDeps {
  s3: S3Client;
  bucketName: string;
  now(): number;
  newLeaseOwner(): string;
  reports: ReportPort;
  /** How long a try owns the run without renewing it (the heartbeat renews it while the try runs). */
  leaseMs: number;
  /** Heartbeat period (default leaseMs / 3); 0: no heartbeat (tests drive renewals themselves). */
  heartbeatMs?: number;
  /** Tries before the run is `failed` (the queue's maxReceiveCount). */
  maxAttempts: number;
  /** Backoff jitter (tests: deterministic). */
  random?: () => number;
}

export interface AttemptInfo {
  /** The queue's count of deliveries of this message (SQS ApproximateReceiveCount). */
  receiveCount: number;
  /** Wall-clock epoch ms by which paging reports stop fetching. */
  deadline?: number;
}

export type RunOutcome =
  | { kind: 'succeeded'; s3Key: string; rowCount: number; bytes: number; reused: boolean }
  | { kind: 'skipped'; reason: 'already_succeeded' | 'already_failed' | 'in_progress' | 'unknown_run' | 'lease_lost' }
  /** Come back after `delaySeconds` (the backoff of try `attempt`, or TikTok's longer Retry-After). */
  | { kind: 'retry'; error: RunError; attempt: number; delaySeconds: number; retryAfterSeconds?: number }
  /** No TikTok permit: send the message again after `delaySeconds`; no try was spent. */
  | { kind: 'wait'; delaySeconds: number }
  | { kind: 'failed'; error: RunError; attempt: number; retryable: boolean };

export class ScheduleGoneError extends AppError {
  constructor(scheduleId: string) {
    super('not_found', 'schedule_not_found', `Schedule ${scheduleId} was deleted before this run started.`);
    this.name = 'ScheduleGoneError';
  }
}

function skippedFor(status: string | undefined): RunOutcome {
  if (status === 'succeeded') return { kind: 'skipped', reason: 'already_succeeded' };
  if (status === 'failed') return { kind: 'skipped', reason: 'already_failed' };
  if (status === undefined) return { kind: 'skipped', reason: 'unknown_run' };
  return { kind: 'skipped', reason: 'in_progress' };
}

/**
 * Keeps the lease alive while the try runs (a timer, so a try blocked or dead stops renewing and its
 * run is taken over once the lease runs out). Renewal errors are logged: the next beat tries again.
 */
function startHeartbeat(deps: DeliveryDeps, ref: RunRef & { tenantId: string }, owner: string): () => void {
  const period = deps.heartbeatMs ?? Math.floor(deps.leaseMs / 3);
  if (period <= 0) return () => undefined;
  let beating = false;
  const timer = setInterval(() => {
    if (beating) return;
    beating = true;
    renewRunLease(deps, ref, owner, deps.now(), deps.leaseMs)
      .then((held) => {
        if (!held) logger.warn('Run lease not renewed: the run is not ours any more', { scheduleId: ref.scheduleId, slot: ref.slot });
      })
      .catch((err: unknown) => logger.warn('Run lease renewal failed; retried at the next beat', { scheduleId: ref.scheduleId, slot: ref.slot, error: err as Error }))
      .finally(() => {
        beating = false;
      });
  }, period);
  timer.unref();
  return () => clearInterval(timer);
}

export class LeaseLostError extends Error {
  constructor() {
    super('The run lease was lost before writing (another try took the run over).');
    this.name = 'LeaseLostError';
  }
}

export async function executeRun(deps: DeliveryDeps, message: RunMessage, attemptInfo: AttemptInfo): Promise<RunOutcome> {
  const owner = deps.newLeaseOwner();
  const run = await acquireRunLease(deps, { scheduleId: message.scheduleId, slot: message.slot, tenantId: message.tenantId }, owner, deps.now(), deps.leaseMs);
  if (!run) return skippedWithoutLease(deps, message);
  const stopHeartbeat = startHeartbeat(deps, message, owner);
  try {
    return await executeLeased(deps, message, attemptInfo, owner, run);
  } catch (err) {
    if (!(err instanceof LeaseLostError)) throw err;
    // Never two writers: the try that took over delivers, this one leaves the run alone.
    logger.warn('Run lease lost before writing; the try that holds it delivers', { scheduleId: message.scheduleId, slot: message.slot });
    return { kind: 'skipped', reason: 'lease_lost' };
  } finally {
    stopHeartbeat();
  }
}

async function skippedWithoutLease(deps: DeliveryDeps, { tenantId, scheduleId, slot }: RunMessage): Promise<RunOutcome> {
  const current = await getRun(deps, scheduleId, slot);
  if (!current || current.tenantId !== tenantId) {
    // Runs are claimed before their message is sent, so this message was not sent by us.
    logger.error('Run message without its run item; dropped', { tenantId, scheduleId, slot });
    return skippedFor(undefined);
  }
  return skippedFor(current.status);
}

async function executeLeased(
  deps: DeliveryDeps,
  message: RunMessage,
  attemptInfo: AttemptInfo,
  owner: string,
  run: NonNullable<Awaited<ReturnType<typeof acquireRunLease>>>,
): Promise<RunOutcome> {
  const { tenantId, scheduleId, slot } = message;
  const ref = { scheduleId, slot };
  const startedMs = deps.now();
  const attempt = Math.max(run.attempts, attemptInfo.receiveCount);

  try {
    const schedule = await getScheduleRecord(deps, tenantId, scheduleId);
    if (!schedule) throw new ScheduleGoneError(scheduleId);
    const format = String(schedule.request.format);
    const key = deliveryKey({ tenantId, scheduleId, slot, extension: deps.reports.extension(format) });

    let rowCount: number;
    let bytes: number;
    let reused = false;
    // Only a run tried before can have left an object behind (written, then the try died before
    // recording it): the first try skips the HeadObject.
    const existing = run.attempts > 1 ? await headDelivery(deps.s3, deps.bucketName, key) : 'absent';
    if (typeof existing === 'object' && existing.metadata.slot === slot && existing.metadata['schedule-id'] === scheduleId) {
      reused = true;
      rowCount = existing.rows ?? 0;
      bytes = existing.bytes;
    } else {
      const result = await deps.reports.run({
        tenantId,
        datasourceId: schedule.datasourceId,
        reportType: schedule.reportType,
        request: schedule.request,
        deadline: attemptInfo.deadline,
      });
      const rendered = deps.reports.render(result, format);
      const body = typeof rendered.body === 'string' ? Buffer.from(rendered.body, 'utf8') : Buffer.from(rendered.body);
      // Only the lease holder writes: renewed right before the PutObject, so the write (seconds)
      // happens inside a fresh lease, and a try that lost its lease (a long stall) writes nothing.
      if (!(await renewRunLease(deps, { ...ref, tenantId }, owner, deps.now(), deps.leaseMs))) throw new LeaseLostError();
      rowCount = result.rows.length;
      bytes = body.byteLength;
      const written = await putDelivery(
        deps.s3,
        {
          bucket: deps.bucketName,
          key,
          body,
          contentType: rendered.contentType,
          metadata: {
            'report-type': schedule.reportType,
            rows: String(rowCount),
            'datasource-id': schedule.datasourceId,
            'schedule-id': scheduleId,
            slot,
          },
        },
      );
      reused = written === 'exists';
    }

    const finishedMs = deps.now();
    const recorded = await markRunSucceeded(deps, ref, owner, {
      s3Key: key,
      rowCount,
      bytes,
      durationMs: finishedMs - startedMs,
      finishedAt: new Date(finishedMs).toISOString(),
    });
    if (!recorded) logger.warn('Run lease lost before recording success (another try took over)', { scheduleId, slot });
    await recordLastRun(deps, tenantId, scheduleId, { slot, status: 'succeeded', at: new Date(finishedMs).toISOString(), s3Key: key });
    if (run.trigger === 'schedule' && (!schedule.nextRunAt || slotTime(slot) >= Date.parse(schedule.nextRunAt))) {
      // Normally the dispatcher advanced already (then nothing to do); this covers one that died right after sending.
      const next = nextRunAfter(parseScheduleExpression(schedule.schedule), slotTime(slot), {
        timezone: schedule.timezone,
        anchorMs: Date.parse(schedule.anchorAt),
      });
      await advanceNextRun(deps, schedule, { notAfter: new Date(slotTime(slot)).toISOString() }, next === undefined ? undefined : new Date(next).toISOString());
    }
    return { kind: 'succeeded', s3Key: key, rowCount, bytes, reused };
  } catch (err) {
    if (err instanceof LeaseLostError) throw err; // not the run's failure: another try owns it
    const decision = decideAfterFailure({ error: err, attempt }, outcomeSettings(deps), deps.random);
    if (decision.kind === 'quota-wait') {
      const until = new Date(deps.now() + decision.delaySeconds * 1000).toISOString();
      await markRunWaiting(deps, ref, owner, until);
      const quota = err instanceof QuotaExhaustedError ? { endpoint: err.endpoint, reason: err.reason } : {};
      logger.info('Run waits for TikTok quota', { scheduleId, slot, attempt, ...quota, retryAfterSeconds: decision.delaySeconds });
      return { kind: 'wait', delaySeconds: decision.delaySeconds };
    }
    if (decision.kind === 'retry') {
      await markRunForRetry(deps, ref, owner, decision.error);
      logger.warn('Run failed, will be retried', { scheduleId, slot, attempt, code: decision.error.code });
      const { delaySeconds, error, retryAfterSeconds } = decision;
      return { kind: 'retry', error, attempt, delaySeconds, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) };
    }
    const finishedMs = deps.now();
    await markRunFailed(deps, ref, owner, decision.error, { finishedAt: new Date(finishedMs).toISOString(), durationMs: finishedMs - startedMs });
    await recordLastRun(deps, tenantId, scheduleId, { slot, status: 'failed', at: new Date(finishedMs).toISOString(), error: decision.error.message });
    logger.error('Run failed', { scheduleId, slot, attempt, code: decision.error.code, retryable: decision.retryable });
    return { kind: 'failed', error: decision.error, attempt, retryable: decision.retryable };
  }
}

/**
 * A scheduled run in the shared outcome flow (shared/runs/outcome.ts): the report queue's backoff;
 * only our own quota is a wait (TikTok's 429 spends a try: the report already retried it inside).
 */
function outcomeSettings(deps: DeliveryDeps): OutcomeSettings {
  return {
    subject: 'The run',
    maxAttempts: deps.maxAttempts,
    retryBaseSeconds: REPORT_QUEUE_SETTINGS.retryBaseSeconds,
    retryMaxSeconds: REPORT_QUEUE_SETTINGS.retryMaxSeconds,
    maxDelaySeconds: REPORT_QUEUE_SETTINGS.maxDelaySeconds,
    quotaWait: { tiktokRateLimit: false, floorSeconds: 1, jitterSeconds: 0 },
  };
}
