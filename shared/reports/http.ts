/**
 * The HTTP answer of a report: the rendered body with its content type. CSV (and any other data
 * file) is an attachment with a download name; HTML is a page shown inline under the strict page
 * headers (CSP without scripts, no framing); JSON is the API answer.
 */
import { html, text, type ApiResult } from '../http/index.ts';
import { renderReport, reportFileName } from './render/index.ts';
import type { ReportResult } from './types.ts';

export function reportResponse(result: ReportResult, format: string): ApiResult {
  const { body, contentType } = renderReport(result, format);
  if (contentType.startsWith('text/html')) return html(200, body);
  if (contentType.startsWith('application/json')) return text(200, body, contentType);
  return text(200, body, contentType, { 'content-disposition': `attachment; filename="${reportFileName(result, format)}"` });
}
