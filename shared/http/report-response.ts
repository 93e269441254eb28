/**
 * The HTTP answer of a report: the rendered body with its content type. CSV (and any other data
 * file) is an attachment with a download name; HTML is a page shown inline under the strict page
 * headers (CSP without scripts, no framing); JSON is the API answer.
 */
import { assertFitsResponse, html, text } from './responses.ts';
import type { ApiResult } from './request.ts';
import { renderReport, reportFileName } from '../reports/formats/index.ts';
import type { ReportResult } from '../report-result/types.ts';
import { routePath } from '../topology/routes.ts';

/** Answers 413 response_too_large (never a failed invocation) when the rendered report is over the API's limit. */
export function reportResponse(result: ReportResult, format: string): ApiResult {
  const { body, contentType } = renderReport(result, format);
  // Too large: point at this datasource's export route, which has no response limit.
  const exportPath = routePath('createExport', { id: result.meta.datasourceId });
  if (contentType.startsWith('text/html')) return assertFitsResponse(html(200, body), undefined, exportPath);
  if (contentType.startsWith('application/json')) return assertFitsResponse(text(200, body, contentType), undefined, exportPath);
  return assertFitsResponse(text(200, body, contentType, { 'content-disposition': `attachment; filename="${reportFileName(result, format)}"` }), undefined, exportPath);
}
