/** Rendering a ReportResult in one of the registered formats. */
import type { ReportResult } from '../../report-result/types.ts';
import { rendererFor, type RenderedReport } from './registry.ts';

export { renderFormats } from './names.ts';
export type { RenderedReport } from './registry.ts';

export function renderReport(result: ReportResult, format: string): RenderedReport {
  return rendererFor(format).render(result);
}

/** `tiktok-<type>-<datasource>-<yyyyMMddTHHmmssZ>.<ext>`: safe in a Content-Disposition header and as a file name. */
export function reportFileName(result: ReportResult, format: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64);
  const stamp = result.meta.fetchedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `tiktok-${safe(result.meta.reportType)}-${safe(result.meta.datasourceId)}-${safe(stamp)}.${rendererFor(format).extension}`;
}
