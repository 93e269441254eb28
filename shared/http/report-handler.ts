/**
 * The Lambda of one live (TikTok) report route: every report-<type> function is this factory with
 * its own operation (`export const handler = reportHandler(runProfileReport)`), so the three differ
 * only in the schema they validate with and the report type they run.
 */
import type * as z from 'zod/mini';
import { httpHandler, type LambdaHttpHandler } from './handler.ts';
import type { OperationDoc } from './operation.ts';
import { reportResponse } from './report-response.ts';
import { requestDeadline } from '../reports/deadline.ts';
import type { ReportRequestSchema, ReportType } from '../reports/index.ts';
import { runReport } from '../reports/run.ts';

/** A report route's operation (shared/api/operations/reports.ts): validates with its report type's request schema. */
export interface ReportOperation<T extends ReportType> extends OperationDoc {
  reportType: T;
  params: z.ZodMiniObject<{ id: z.ZodMiniString<string> }>;
  body: ReportRequestSchema<T>;
}

export function reportHandler<T extends ReportType>(operation: ReportOperation<T>): LambdaHttpHandler {
  // httpHandler has already: resolved the tenant from the API key, size-checked and parsed the JSON
  // body, and validated params and body against the operation's schema (400 naming the field).
  return httpHandler(operation, async (req) => {
    const request = req.body as z.output<ReportRequestSchema<ReportType>>;
    const result = await runReport({
      tenantId: req.tenantId,
      datasourceId: req.params.id,
      reportType: operation.reportType,
      request, // scopes are checked against the fields before TikTok is called (403)
      deadline: requestDeadline(req.lambdaContext),
    });
    return reportResponse(result, request.format);
  });
}
