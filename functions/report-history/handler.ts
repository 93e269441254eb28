/** POST /v1/datasources/{id}/reports/history */
import { runHistoryReport } from '../../shared/api/operations/history.ts';
import { httpHandler } from '../../shared/http/index.ts';
import { reportResponse } from '../../shared/http/report-response.ts';
import { runStoredReport } from '../../shared/reports/run-stored.ts';

// httpHandler has already resolved the tenant, parsed the body and validated it against
// reportRequestSchema('history') (400 naming the field). Snapshots only: no TikTok call, no token.
export const handler = httpHandler(runHistoryReport, async (req) => {
  const result = await runStoredReport({ tenantId: req.tenantId, datasourceId: req.params.id, reportType: 'history', request: req.body });
  return reportResponse(result, req.body.format);
});
