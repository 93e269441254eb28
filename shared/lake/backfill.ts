/**
 * Writes the lake from the history already stored: for each datasource, every day in [from, to]
 * with a snapshot is staged, then each touched tenant-day is compacted once. Idempotent (a rerun
 * replaces). Video details the history does not keep (description, duration, URLs) come from the
 * day's previous staging when there is one, else stay null.
 */
import { addDays, eachDay, type Day } from '../history/days.ts';
import type { HistoryStoreDeps } from '../history/store.ts';
import { accountInfo, detailsFromHistory, snapshotsFromHistory } from './from-history.ts';
import { dayRows, type VideoDetails } from './rows.ts';
import type { LakeStorage } from './storage.ts';
import { compactTenantDay, readStaged, stageDatasourceDay } from './tenant-day.ts';

export interface BackfillResult {
  datasources: number;
  days: number;
  files: number;
  bytes: number;
  rows: Record<string, number>;
  ms: number;
}

function stagedDetails(rows: Awaited<ReturnType<typeof readStaged>>): Map<string, VideoDetails> {
  const out = new Map<string, VideoDetails>();
  for (const r of rows?.videos ?? []) {
    const d: VideoDetails = {};
    if (typeof r.description === 'string') d.description = r.description;
    if (typeof r.duration === 'number') d.duration = r.duration;
    if (typeof r.share_url === 'string') d.shareUrl = r.share_url;
    if (typeof r.embed_link === 'string') d.embedLink = r.embed_link;
    out.set(String(r.video_id), d);
  }
  return out;
}

export async function backfillLake(
  deps: { history: HistoryStoreDeps; storage: LakeStorage },
  tenantId: string,
  datasourceIds: readonly string[],
  from: Day,
  to: Day,
  progress?: (message: string) => void,
): Promise<BackfillResult> {
  const started = Date.now();
  const touched = new Set<Day>();
  for (const datasourceId of datasourceIds) {
    const [snaps, account, titles] = await Promise.all([
      snapshotsFromHistory(deps.history, datasourceId, addDays(from, -1), to),
      accountInfo(deps.history, tenantId, datasourceId),
      detailsFromHistory(deps.history, datasourceId),
    ]);
    let n = 0;
    for (const day of eachDay(from, to)) {
      const today = snaps.get(day);
      if (!today) continue;
      const kept = stagedDetails(await readStaged(deps.storage, tenantId, day, datasourceId));
      const details = new Map<string, VideoDetails>();
      for (const id of today.videos?.keys() ?? []) details.set(id, { ...titles.get(id), ...kept.get(id) });
      await stageDatasourceDay(deps.storage, tenantId, day, datasourceId, dayRows(account, today, snaps.get(addDays(day, -1)), details));
      touched.add(day);
      n += 1;
    }
    progress?.(`${datasourceId}: ${n} days staged`);
  }
  const result: BackfillResult = { datasources: datasourceIds.length, days: touched.size, files: 0, bytes: 0, rows: {}, ms: 0 };
  for (const day of [...touched].sort()) {
    const r = await compactTenantDay(deps.storage, tenantId, day);
    result.bytes += r.bytes;
    for (const [d, count] of Object.entries(r.rows)) {
      result.rows[d] = (result.rows[d] ?? 0) + count;
      if (count > 0) result.files += 1;
    }
  }
  result.ms = Date.now() - started;
  return result;
}
