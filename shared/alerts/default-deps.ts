/** Production wiring of alerts: the table, THE report code path (runReport), the webhook queue. */
import { tableAccess } from '../context.ts';
import { getDatasource } from '../datasources/index.ts';
import type { ReportType } from '../reports/index.ts';
import { runReport } from '../reports/run.ts';
import { webhookQueue } from '../webhooks/queue.ts';
import type { AlertDeps } from './alerts.ts';

export function defaultAlertDeps(): AlertDeps {
  const t = tableAccess();
  return {
    ...t,
    assertDatasource: async (tenantId, datasourceId) => {
      await getDatasource(t, { tenantId, datasourceId });
    },
    runReport: (args) => runReport({ ...args, reportType: args.reportType as ReportType }),
    queue: webhookQueue,
  };
}
