/**
 * The daily snapshot commit writes the lake: a CaptureStore whose `days.commit`, once the history
 * day is committed, stages that datasource's rows and rewrites its tenant-day files. Built from the
 * stored history (today and yesterday, as the backfill does) plus the video details the capture
 * carried. A lake failure never fails the capture (the history is the record); it is logged and
 * `npm run lake:backfill` rewrites the day.
 */
import { addDays } from '../history/days.ts';
import type { CaptureStore, PartVideo } from '../history/ports.ts';
import type { HistoryStoreDeps } from '../history/store.ts';
import { accountInfo, snapshotsFromHistory } from './from-history.ts';
import { dayRows, type VideoDetails } from './rows.ts';
import type { LakeStorage } from './storage.ts';
import { writeDatasourceDay, type CompactResult } from './tenant-day.ts';

export interface LakeHookDeps {
  history: HistoryStoreDeps;
  storage: LakeStorage;
  log?: { warn(message: string, extra?: Record<string, unknown>): void; info?(message: string, extra?: Record<string, unknown>): void };
  /** Counted (a metric and its alarm): a failed lake write is otherwise only a log line. */
  onWriteFailed?: () => void;
}

export function detailsOf(videos: readonly PartVideo[] | undefined): Map<string, VideoDetails> {
  const out = new Map<string, VideoDetails>();
  for (const v of videos ?? []) {
    if (out.has(v.id)) continue;
    out.set(v.id, { title: v.title, ...(v.createTime !== undefined ? { createTime: v.createTime } : {}), ...v.details });
  }
  return out;
}

/** Writes one committed datasource-day to the lake. */
export async function writeCommittedDay(
  deps: LakeHookDeps,
  target: { tenantId: string; datasourceId: string; day: string },
  videos: readonly PartVideo[] | undefined,
): Promise<CompactResult | undefined> {
  const { tenantId, datasourceId, day } = target;
  const [snaps, account] = await Promise.all([snapshotsFromHistory(deps.history, datasourceId, addDays(day, -1), day), accountInfo(deps.history, tenantId, datasourceId)]);
  const today = snaps.get(day);
  if (!today) return undefined;
  return writeDatasourceDay(deps.storage, tenantId, day, datasourceId, dayRows(account, today, snaps.get(addDays(day, -1)), detailsOf(videos)));
}

export function withLake(store: CaptureStore, deps: LakeHookDeps): CaptureStore {
  return {
    ...store,
    days: {
      has: (datasourceId, day) => store.days.has(datasourceId, day),
      async commit(target, data) {
        const status = await store.days.commit(target, data);
        if (status === 'captured') {
          const started = Date.now();
          try {
            const result = await writeCommittedDay(deps, target, data.videos);
            deps.log?.info?.('Lake day written', { ...target, ms: Date.now() - started, ...result });
          } catch (err) {
            deps.log?.warn('Lake write failed; the history day is committed (npm run lake:backfill rewrites it)', { ...target, error: (err as Error).message });
            deps.onWriteFailed?.();
          }
        }
        return status;
      },
    },
  };
}
