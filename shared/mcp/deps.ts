/**
 * What the MCP tools read, as a port: the same domain operations the HTTP functions call. Tests
 * pass fakes; defaultMcpDeps() wires the real ones (deps-default.ts).
 */
import type { DatasourceView } from '../datasources/model.ts';
import type { RunReportArgs, ReportResult } from '../reports/index.ts';
import type { ScheduleView } from '../schedules/model.ts';
import type { RunView } from '../schedules/runs.ts';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export type RunWithLink = RunView & { downloadUrl?: string; downloadExpiresAt?: string };

export interface McpDeps {
  listDatasources(tenantId: string, page: { limit: number; nextToken?: string }): Promise<Page<DatasourceView>>;
  /** 404 `not_found` for an unknown or another tenant's id, as GET /v1/datasources/{id}. */
  getDatasource(tenantId: string, datasourceId: string): Promise<DatasourceView>;
  runReport(args: RunReportArgs): Promise<ReportResult>;
  listSchedules(tenantId: string, page: { limit: number; nextToken?: string }): Promise<Page<ScheduleView>>;
  listRuns(tenantId: string, scheduleId: string, page: { limit: number; nextToken?: string }): Promise<Page<RunWithLink>>;
}
