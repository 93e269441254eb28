/**
 * The built-in `builtin.no_snapshot` alert (docs/webhooks.md "Built in"): a datasource's day given up
 * without a snapshot, by the sweep (the day ended) or by the capture job (re-authorisation needed,
 * out of attempts). One event id per (datasource, day): whichever gives the day up, it is sent once.
 */
import { makeEvent } from '../webhooks/events.ts';
import { emitEvent } from '../webhooks/queue.ts';
import type { Day } from './days.ts';
import type { DatasourceRef } from './ports.ts';

export async function alertDayLost(ref: DatasourceRef, day: Day, reason: string, nowMs: number): Promise<void> {
  await emitEvent(
    ref.tenantId,
    makeEvent('alert.triggered', ['builtin.no_snapshot', ref.datasourceId, day], {
      alert: { id: 'builtin.no_snapshot', name: 'No snapshot for a day', builtin: true },
      datasourceId: ref.datasourceId,
      rowCount: 1,
      rows: [{ datasourceId: ref.datasourceId, day, reason }],
    }, nowMs),
  );
}
