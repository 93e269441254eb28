/** The production wiring of the snapshot dispatcher hook and job: app context, token service, TikTok client, report queue. */
import { appContext } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import { logger } from '../logger.ts';
import { REPORT_QUEUE_SETTINGS, reportQueue } from '../queue/index.ts';
import { withAccessToken } from '../tokens/index.ts';
import { dispatchDailySnapshots, type SnapshotDispatchSummary } from './dispatch.ts';
import type { SnapshotJobDeps } from './job.ts';
import { readHistorySettings } from './settings.ts';
import { tiktokSnapshotSource } from './source.ts';

export function defaultSnapshotJobDeps(): SnapshotJobDeps {
  const ctx = appContext();
  return {
    dynamo: ctx.dynamo,
    tableName: ctx.config.tableName,
    now: () => appContext().clock.now(),
    settings: readHistorySettings(),
    maxAttempts: REPORT_QUEUE_SETTINGS.maxReceiveCount,
    source: (job) =>
      tiktokSnapshotSource(job, {
        client: () => getTikTokClient(),
        withAccessToken: (ref, fn) => withAccessToken(ref, (token, datasource) => fn(token, datasource)),
      }),
  };
}

/** The dispatcher's call: never throws (schedules were dispatched already; the next tick retries the snapshots). */
export async function dispatchSnapshotsFromDispatcher(deadline?: number): Promise<SnapshotDispatchSummary | { error: string }> {
  try {
    const ctx = appContext();
    return await dispatchDailySnapshots({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => appContext().clock.now(), queue: reportQueue(), deadline });
  } catch (err) {
    logger.error('Daily snapshot dispatch failed; the next tick retries', { error: err as Error });
    return { error: (err as Error).name };
  }
}
