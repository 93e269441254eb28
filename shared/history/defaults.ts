/** The production wiring of the capture lane: app context, token service, TikTok client, capture queue. */
import { appContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { deadlinePassed } from '../lambda/deadline.ts';
import { logger } from '../logger.ts';
import { captureQueue } from '../queue/capture.ts';
import { withAccessToken } from '../tokens/index.ts';
import type { CaptureJobDeps } from './capture-job.ts';
import { dynamoCaptureStore } from './dynamo-store.ts';
import { alertDayLost } from './lost-day-alert.ts';
import { capacityFromQuota } from './plan.ts';
import type { CaptureStore } from './ports.ts';
import { readHistorySettings } from './settings.ts';
import { tiktokCaptureSource } from './source.ts';
import { ruleIntervalMinutes } from '../topology/schedules.ts';
import { DEFAULT_BACKFILL_PER_TICK, dispatchDueCaptures, tickCallBudget, type CaptureSweepSummary } from './sweep.ts';

export function defaultCaptureStore(): CaptureStore {
  const ctx = appContext();
  return dynamoCaptureStore({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => appContext().clock.now(), settings: readHistorySettings() });
}

export function defaultCaptureJobDeps(): CaptureJobDeps {
  return {
    now: () => appContext().clock.now(),
    store: defaultCaptureStore(),
    source: tiktokCaptureSource({
      client: () => getTikTokClient(),
      withAccessToken: (ref, fn) => withAccessToken(ref, (token, datasource) => fn(token, datasource)),
    }),
    log: { warn: (message, extra) => logger.warn(message, { ...extra }) },
    onDayLost: (ref, day, reason) => alertDayLost(ref, day, reason, appContext().clock.now()),
  };
}

/** The dispatcher's call: leases due captures and sends them; never throws (the next tick retries). */
export async function dispatchCapturesFromDispatcher(deadline?: number): Promise<CaptureSweepSummary | { error: string }> {
  try {
    const capacity = capacityFromQuota(appContext().config.quota);
    const { messages, summary } = await dispatchDueCaptures(
      {
        store: defaultCaptureStore(),
        capacity,
        callBudget: tickCallBudget(capacity, ruleIntervalMinutes('schedule-dispatch')),
        backfillPerTick: DEFAULT_BACKFILL_PER_TICK,
        outOfTime: () => deadlinePassed(deadline),
      },
      appContext().clock.now(),
    );
    // A send that fails leaves the leases to expire: those captures are queued again then.
    await captureQueue().send(messages);
    if (summary.daysLost > 0) logger.warn('Snapshot days lost (they stay null)', { day: summary.day, daysLost: summary.daysLost });
    if (summary.capacity.overrunCalls > 0) logger.warn('Snapshot backlog cannot finish within its day', { ...summary.capacity });
    return summary;
  } catch (err) {
    logger.error('Capture dispatch failed; the next tick retries', { error: err as Error });
    return { error: (err as Error).name };
  }
}
