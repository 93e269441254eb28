/**
 * Legacy: before the capture lane (sweep.ts, capture-job.ts), daily snapshots rode the report
 * queue as `{scheduleId: "snapshot:<datasourceId>", slot: "<day>"}`. report-generate still
 * recognises such messages left in the queue at deploy time and acknowledges them without work
 * (the due index captures those datasources on the capture queue).
 */
import type { RunMessage } from '../queue/index.ts';
import { isDay, type Day } from './days.ts';

export const SNAPSHOT_SCHEDULE_PREFIX = 'snapshot:';

export interface SnapshotJob {
  tenantId: string;
  datasourceId: string;
  day: Day;
}

/** The snapshot job a legacy run message names, or undefined when it is an ordinary schedule run. */
export function parseSnapshotMessage(message: RunMessage): SnapshotJob | undefined {
  if (!message.scheduleId.startsWith(SNAPSHOT_SCHEDULE_PREFIX)) return undefined;
  const datasourceId = message.scheduleId.slice(SNAPSHOT_SCHEDULE_PREFIX.length);
  if (!/^[A-Za-z0-9_-]{1,120}$/.test(datasourceId) || !isDay(message.slot)) return undefined;
  return { tenantId: message.tenantId, datasourceId, day: message.slot };
}
