/**
 * Output renderers. Each turns a ReportResult into one body with its content type. A new format is
 * its name in names.ts (the request schemas' `format` enum reads that list) plus one line below.
 */
import type { ReportResult } from '../../report-result/types.ts';
import { renderCsv } from './csv.ts';
import { renderJson } from './json.ts';
import { renderHtml } from '../../render/index.ts';
import { isReportFormat, REPORT_FORMATS, type ReportFormat } from './names.ts';

export interface RenderedReport {
  body: string;
  contentType: string;
}

export interface Renderer {
  /** File name extension for downloads and S3 keys. */
  extension: string;
  render(result: ReportResult): RenderedReport;
}

const RENDERERS = {
  json: { extension: 'json', render: renderJson },
  csv: { extension: 'csv', render: renderCsv },
  html: { extension: 'html', render: renderHtml },
} as const satisfies Record<ReportFormat, Renderer>;

export function rendererFor(format: string): Renderer {
  if (!isReportFormat(format)) throw new TypeError(`Unknown report format "${format}"; known: ${REPORT_FORMATS.join(', ')}`);
  return RENDERERS[format];
}
