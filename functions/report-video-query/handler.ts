/** POST /v1/datasources/{id}/reports/video-query */
import { runVideoQueryReport } from '../../shared/api/operations/reports.ts';
import { httpHandler } from '../../shared/http/index.ts';
import { requestDeadline } from '../../shared/reports/index.ts';
import { reportResponse } from '../../shared/http/report-response.ts';
import { runReport } from '../../shared/reports/run.ts';

// httpHandler has already: resolved the tenant from the API key, size-checked and parsed the JSON
// body, and validated params and body against reportRequestSchema('video-query') (400 naming the field).
export const handler = httpHandler(runVideoQueryReport, async (req) => {
  const result = await runReport({
    tenantId: req.tenantId,
    datasourceId: req.params.id,
    reportType: 'video-query',
    request: req.body, // scopes are checked against the fields before TikTok is called (403)
    deadline: requestDeadline(req.lambdaContext),
  });
  return reportResponse(result, req.body.format);
});
