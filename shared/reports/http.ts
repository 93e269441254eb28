/** The HTTP answer of a report: the rendered body, its content type, and a download name for files. */
import { text, type ApiResult } from '../http/index.ts';
import { renderReport, reportFileName } from './render/index.ts';
import type { ReportResult } from './types.ts';

export function reportResponse(result: ReportResult, format: string): ApiResult {
  const { body, contentType } = renderReport(result, format);
  const headers: Record<string, string> = {};
  if (format !== 'json') headers['content-disposition'] = `attachment; filename="${reportFileName(result, format)}"`;
  return text(200, body, contentType, headers);
}
