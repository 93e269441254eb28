/**
 * Running one report: validate the request with the type's schema (the same one the API uses, so a
 * stored schedule request is checked exactly like an HTTP one), fetch the source data, run Cloud9QL
 * on it (the request's query or the type's default) and describe what came back.
 */
import type * as z from 'zod/mini';
import { ValidationError } from '../errors.ts';
import { parseOrThrow } from '../validation/index.ts';
import { logger } from '../logger.ts';
import type { ReportDeps } from './deps.ts';
import { REPORT_TYPES, isReportType, reportDefinition, type ReportType } from './registry.ts';
import { columnsOf } from '../report-result/shape.ts';
import type { BaseReportRequest, ReportDefinition, ReportResult } from './types.ts';

export interface RunReportArgs {
  tenantId: string;
  datasourceId: string;
  reportType: ReportType;
  /** The request body; validated here with reportRequestSchema(reportType). */
  request: unknown;
  /** Wall-clock epoch ms (Date.now()) by which paging reports stop fetching further pages (meta.hasMore/cursor tell where to resume). */
  deadline?: number;
}

export function createReportRunner(deps: ReportDeps): (args: RunReportArgs) => Promise<ReportResult> {
  return async function runReport(args) {
    if (!isReportType(args.reportType)) {
      throw new ValidationError(`Unknown report type "${String(args.reportType)}"; known: ${REPORT_TYPES.join(', ')}.`, 'reportType');
    }
    const definition = reportDefinition(args.reportType) as ReportDefinition<z.ZodMiniType<BaseReportRequest>>;
    const request = parseOrThrow(definition.schema(), args.request);
    // A bad query answers 422 before the datasource, the app secret or TikTok is touched.
    deps.checkCloud9QL?.(request.cloud9ql);
    const started = deps.now();
    const fetched = await definition.fetch({ deps, tenantId: args.tenantId, datasourceId: args.datasourceId, request, deadline: args.deadline });
    const fetchedAt = deps.now();
    const rows = deps.runCloud9QL(request.cloud9ql, fetched.input);
    logger.debug('Report ran', {
      reportType: args.reportType,
      datasourceId: args.datasourceId,
      pages: fetched.pages,
      rows: rows.length,
      fetchMs: fetchedAt - started,
    });
    return {
      rows,
      columns: columnsFor(rows, request, definition),
      meta: {
        ...fetched.meta,
        reportType: args.reportType,
        datasourceId: args.datasourceId,
        fetchedAt: new Date(fetchedAt).toISOString(),
        pages: fetched.pages,
        cursor: fetched.cursor,
        hasMore: fetched.hasMore,
      },
    };
  };
}

/**
 * A result's columns. Without rows they cannot be read off the data, but under the type's default query
 * they are the fields asked for, so an empty CSV still has its header row and a JSON client sees the shape.
 */
function columnsFor(rows: Record<string, unknown>[], request: BaseReportRequest, definition: ReportDefinition<z.ZodMiniType<BaseReportRequest>>): string[] {
  if (rows.length === 0 && request.cloud9ql === definition.defaultQuery && request.fields) return [...request.fields];
  return columnsOf(rows);
}
