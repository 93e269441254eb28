/**
 * The report domain: one public entry, used by the report Lambdas and by scheduled runs.
 *
 *   REPORT_TYPES                      the registered report types
 *   reportRequestSchema(reportType)   zod schema of a request body (the one the API validates with)
 *   createReportRunner(deps)          -> a runReport({tenantId, datasourceId, reportType, request}) returning a ReportResult
 *   renderReport(result, format)      -> {body, contentType} (json | csv | html: the renderer registry)
 *
 * run.ts holds runReport wired with the real dependencies (kept apart so schema readers stay small).
 *
 * Adding a report type: a ReportDefinition + one line in registry.ts. Adding a format: a renderer +
 * one line in formats/registry.ts (the request schemas' `format` enum follows).
 */
import { reportDefinition, type ReportDefinitionOf, type ReportType } from './registry.ts';

export { REPORT_TYPES, type ReportType } from './registry.ts';
export { renderReport, reportFileName, renderFormats } from './formats/index.ts';
export { type RunReportArgs } from './runner.ts';
export { ScopeNotGrantedError } from './errors.ts';
export { MAX_CLOUD9QL_LENGTH } from './request/common.ts';
export type { ReportResult } from '../report-result/types.ts';

export type ReportRequestSchema<T extends ReportType> = ReturnType<ReportDefinitionOf<T>['schema']>;

/** The zod schema of a report type's request body. */
export function reportRequestSchema<T extends ReportType>(reportType: T): ReportRequestSchema<T> {
  return reportDefinition(reportType).schema() as ReportRequestSchema<T>;
}

/** The report type's default Cloud9QL (`select data.user;`, `select expand(data.videos);`). */
export function defaultCloud9QL(reportType: ReportType): string {
  return reportDefinition(reportType).defaultQuery;
}
