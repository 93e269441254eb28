/**
 * What a report run hands back, whatever its type or output format: the one shape the report
 * domain (shared/reports) produces and the renderers (shared/reports/formats, the HTML page in
 * shared/render) and exports read. Below both, so neither depends on the other for it.
 */

/** What every report answers, whatever its type or output format. */
export interface ReportResult {
  /** Rows exactly as Cloud9QL returned them (nested objects stay nested). */
  rows: Record<string, unknown>[];
  /** Union of the rows' top-level keys, in first-seen order. */
  columns: string[];
  meta: ReportMeta;
}

export interface ReportMeta {
  reportType: string;
  datasourceId: string;
  /** ISO 8601 UTC instant the source data was fetched. */
  fetchedAt: string;
  /** Source calls that returned data (TikTok pages); 1 for single-call reports. */
  pages: number;
  /** Cursor to resume after the last page (video list), else null. */
  cursor: number | null;
  /** True when the source has more data than was fetched. */
  hasMore: boolean;
  /** Members a report type adds from FetchedData.meta (history: `account`, `history`). */
  [extension: string]: unknown;
}
