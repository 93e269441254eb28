/**
 * The output formats a report can be asked for. Apart from the renderers (registry.ts must cover
 * exactly these, the compiler checks) so that reading the request schemas (OpenAPI, schedules) does
 * not bundle the HTML renderer and its chart code.
 */
export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;

export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderFormats(): [ReportFormat, ...ReportFormat[]] {
  return [...REPORT_FORMATS];
}

/** Formats a delivered file (schedules) may have: the report formats plus Parquet (shared/lake/report-parquet.ts). */
export const DELIVERY_FORMATS = [...REPORT_FORMATS, 'parquet'] as const;

export function deliveryFormats(): [string, ...string[]] {
  return [...DELIVERY_FORMATS];
}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
