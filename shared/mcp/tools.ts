/**
 * The MCP tools: read-only, each validated and described by the HTTP API's own zod schemas (the
 * operations' params, query and report bodies), so a tool cannot accept what the API refuses or
 * document a member the API does not have (test/mcp/schemas.test.ts compares them with openapi.json).
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { getDatasource, listDatasources } from '../api/operations/datasources.ts';
import { datasourceParams } from '../api/operations/reports.ts';
import { pageQuery, scheduleParams } from '../api/operations/schedule-params.ts';
import { ValidationError } from '../errors.ts';
import { PROFILE_METRICS, VIDEO_METRICS } from '../history/report.ts';
import { jsonSchema } from '../http/openapi.ts';
import { REPORT_TYPES, reportRequestSchema, type ReportType } from '../reports/index.ts';
import { ENDPOINT_SCOPE, FIELD_CATALOGUE, REPORT_TYPES as TIKTOK_REPORT_TYPES } from '../tiktok/fields.ts';
import { CLOUD9QL_EXAMPLES, cloud9qlHelp } from './cloud9ql-help.ts';
import type { McpDeps } from './deps.ts';
import { boundRows, textTable } from './format.ts';
import { routePath } from '../topology/routes.ts';

type Json = Record<string, unknown>;

export interface ToolAnswer {
  structured: Json;
  text: string;
}

export interface ToolCall {
  tenantId: string;
  /** Wall-clock ms by which paging reports stop (reports/deadline.ts). */
  deadline?: number;
  deps: McpDeps;
}

export interface ToolDef {
  name: string;
  title: string;
  description: string;
  /** Validates the arguments (400 invalid_request naming the member, as the API). */
  args: z.ZodMiniType;
  inputSchema(): Json;
  /** Calls TikTok (the world outside the service), not only stored data. */
  openWorld: boolean;
  run(call: ToolCall, args: never): Promise<ToolAnswer>;
}

const inputOf = (schema: z.ZodMiniType) => () => jsonSchema(schema, 'input');

function define<S extends z.ZodMiniType>(def: Omit<ToolDef, 'args' | 'run' | 'inputSchema'> & {
  args: S;
  inputSchema?: () => Json;
  run(call: ToolCall, args: z.output<S>): Promise<ToolAnswer>;
}): ToolDef {
  return { inputSchema: inputOf(def.args), ...def } as ToolDef;
}

const reportTypeSchema = z.enum(REPORT_TYPES as [ReportType, ...ReportType[]]);

// ---- datasources -------------------------------------------------------------------------------

const listDatasourcesArgs = z.strictObject(listDatasources.query.shape);

const listDatasourcesTool = define({
  name: 'list_datasources',
  title: 'List connected TikTok accounts',
  description:
    'The TikTok accounts (datasources) connected to this tenant: id, name, display name, status and granted scopes. ' +
    'Call this first: every other tool takes a datasourceId from here. status `needs_reauth` means TikTok reports answer 409 until the owner re-connects ' +
    '(history still works: it reads stored snapshots).',
  args: listDatasourcesArgs,
  openWorld: false,
  async run({ tenantId, deps }, args) {
    const page = await deps.listDatasources(tenantId, args);
    const rows = page.items.map((d) => ({ id: d.id, name: d.name, displayName: d.displayName, status: d.status, scopes: d.scopes.join(',') }));
    const more = page.nextToken ? `\nMore accounts: call again with nextToken "${page.nextToken}".` : '';
    return { structured: { ...page }, text: `${page.items.length} datasource(s)\n${textTable(rows)}${more}` };
  },
});

const getDatasourceArgs = z.strictObject({ datasourceId: getDatasource.params.shape.id });

const getDatasourceTool = define({
  name: 'get_datasource',
  title: 'Read one connected TikTok account',
  description: 'One datasource of this tenant by id: status (active, needs_reauth, revoked), scopes, open_id, display name, token expiry times. Never a token.',
  args: getDatasourceArgs,
  openWorld: false,
  async run({ tenantId, deps }, args) {
    const view = await deps.getDatasource(tenantId, args.datasourceId);
    const text = Object.entries(view)
      .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`)
      .join('\n');
    return { structured: { ...view }, text };
  },
});

// ---- reports -----------------------------------------------------------------------------------

/** A report body as JSON Schema without `format`: a tool answer is always rows. */
export function reportBodyJsonSchema(reportType: ReportType): Json {
  const schema = jsonSchema(reportRequestSchema(reportType), 'input');
  const properties = { ...(schema.properties as Json) };
  delete properties.format;
  const required = ((schema.required as string[] | undefined) ?? []).filter((r) => r !== 'format');
  return { title: reportType, ...schema, properties, ...(required.length ? { required } : {}) };
}

const runReportArgs = z.strictObject({
  datasourceId: datasourceParams.shape.id,
  reportType: reportTypeSchema,
  request: z.optional(z.record(z.string(), z.unknown())),
});

/** The report routes share one shape, .../reports/<reportType> (the route table). */
const REPORT_ROUTE = routePath('runProfileReport').replace(/[^/]+$/, '<reportType>');

const RUN_REPORT_DESCRIPTION = [
  'Runs a report on one datasource and returns its rows (structured content: rows, columns, meta) plus a compact text table.',
  `\`request\` is exactly the body of POST ${REPORT_ROUTE} without \`format\`:`,
  '- profile: {fields} e.g. {"fields":"display_name,follower_count,likes_count,video_count"}',
  '- video-list: {fields, requestBody:{max_count (1-20), cursor (0 = newest)}, allPages?, maxVideos?} e.g. {"fields":"id,title,create_time,view_count,like_count","requestBody":{"max_count":20,"cursor":0},"allPages":true}',
  '- video-query: {fields, requestBody:{filters:{video_ids:[up to 20 ids]}}}',
  '- history (stored daily snapshots, no TikTok call): {from?, to? (YYYY-MM-DD, UTC; default the last 30 days), metrics?, granularity? (day|week|month), topVideos? (0-50)}; ' +
    'meta.history.topVideos ranks videos by views gained in from..to. For "which videos gained the most views this week" use history with from = 6 days ago and ' +
    '`cloud9ql: "select expand(data.top_videos);"`.',
  'Every type takes `cloud9ql` (SQL-like post-processing; call cloud9ql_help first) to select, filter, sort, group and limit server-side: prefer it to fetching everything.',
  'Field names per type and the scopes they need: describe_fields. Results over 200 rows (or about 60 KB) are cut, with a note; narrow them with cloud9ql (where, limit, fewer columns).',
  'Errors: 400 invalid_request (names the member), 403 scope_not_granted, 404 not_found, 409 needs_reauth, 422 cloud9ql_error (line, column), 429 quota_exhausted (retry after retryAfterSeconds).',
].join('\n');

const runReportTool = define({
  name: 'run_report',
  title: 'Run a TikTok report (profile, video list, video query, growth history)',
  description: RUN_REPORT_DESCRIPTION,
  args: runReportArgs,
  openWorld: true,
  inputSchema: () => {
    const schema = jsonSchema(runReportArgs, 'input');
    const properties = schema.properties as Json;
    properties.request = {
      description: 'The report request: the HTTP report body of that reportType without `format`. Optional for history (defaults: last 30 days, all metrics, by day).',
      anyOf: REPORT_TYPES.map(reportBodyJsonSchema),
    };
    return schema;
  },
  async run({ tenantId, deadline, deps }, args) {
    const request = args.request ?? {};
    if (Object.hasOwn(request, 'format')) {
      throw new ValidationError('Unknown member "format" in request: run_report always answers rows; use the HTTP API or an export for csv or html.', 'format');
    }
    const result = await deps.runReport({ tenantId, datasourceId: args.datasourceId, reportType: args.reportType, request, deadline });
    const bounded = boundRows(result.rows);
    const notes: string[] = [];
    if (bounded.truncated) {
      notes.push(
        `Truncated: ${bounded.rows.length} of ${bounded.total} rows shown. Narrow the result with cloud9ql (a where clause, "limit 50", fewer columns, ` +
          `or group by), fewer fields or a shorter date range; for the full result as a file use the HTTP API: POST ${routePath('createExport')}.`,
      );
    }
    if (result.meta.hasMore) {
      notes.push(`TikTok has more videos: call again with requestBody.cursor = ${String(result.meta.cursor)}, or with allPages: true (and maxVideos).`);
    }
    const sections = [`${args.reportType} report of ${args.datasourceId}: ${bounded.total} row(s)`, textTable(bounded.rows)];
    const history = result.meta.history as { topVideos?: Json[]; topVideosFrom?: string | null; topVideosTo?: string | null } | undefined;
    // Unless the query already reads data.top_videos, the ranking rides along (history's answer to "which videos grew").
    if (history?.topVideos?.length && !/top_videos/.test(String(request.cloud9ql ?? ''))) {
      const top = history.topVideos.map(({ rank, id, title, views, views_gained }) => ({ rank, id, title, views, views_gained }));
      sections.push(`Top videos by views gained (${history.topVideosFrom ?? '?'} to ${history.topVideosTo ?? '?'}):\n${textTable(top)}`);
    }
    sections.push(...notes);
    return {
      structured: {
        rows: bounded.rows,
        columns: result.columns,
        meta: result.meta,
        rowCount: bounded.total,
        truncated: bounded.truncated,
        ...(notes.length ? { notes } : {}),
      },
      text: sections.join('\n\n'),
    };
  },
});

// ---- catalogue and language --------------------------------------------------------------------

const describeFieldsArgs = z.strictObject({
  reportType: z.optional(reportTypeSchema),
  datasourceId: z.optional(datasourceParams.shape.id),
});

const describeFieldsTool = define({
  name: 'describe_fields',
  title: 'The TikTok field catalogue with scopes',
  description:
    'The fields each report type can request (and the history metrics), each with its type and the OAuth scope it needs. ' +
    'With a datasourceId, says which fields that account granted (a field whose scope is missing answers 403 scope_not_granted).',
  args: describeFieldsArgs,
  openWorld: false,
  async run({ tenantId, deps }, args) {
    const granted = args.datasourceId ? (await deps.getDatasource(tenantId, args.datasourceId)).scopes : undefined;
    const mark = (scope: string) => (granted ? { granted: granted.includes(scope) } : {});
    const reports: Json = {};
    const lines: string[] = [];
    for (const type of TIKTOK_REPORT_TYPES) {
      if (args.reportType && args.reportType !== type) continue;
      const fields = Object.entries(FIELD_CATALOGUE[type]).map(([name, spec]) => ({ name, type: spec.type, scope: spec.scope, ...mark(spec.scope) }));
      reports[type] = { endpointScope: ENDPOINT_SCOPE[type], fields };
      lines.push(`${type} (needs ${ENDPOINT_SCOPE[type]}):`, textTable(fields));
    }
    if (!args.reportType || args.reportType === 'history') {
      const metrics = [
        ...PROFILE_METRICS.map((name) => ({ name, scope: 'user.info.stats', ...mark('user.info.stats') })),
        ...VIDEO_METRICS.map((name) => ({ name, scope: 'video.list', ...mark('video.list') })),
      ];
      reports.history = { metrics, note: 'history takes metrics (not fields); each also gets <metric>_delta per period.' };
      lines.push('history metrics (from stored daily snapshots; each period also has <metric>_delta):', textTable(metrics));
    }
    return { structured: { reports, ...(granted ? { grantedScopes: granted } : {}) }, text: lines.join('\n\n') };
  },
});

const cloud9qlHelpTool = define({
  name: 'cloud9ql_help',
  title: 'Cloud9QL language reference',
  description: 'The Cloud9QL reference (statements, expressions, every function, the source JSON of each report type) with worked examples. Read it before writing a cloud9ql query for run_report.',
  args: z.strictObject({}),
  openWorld: false,
  async run() {
    return { structured: { examples: CLOUD9QL_EXAMPLES }, text: cloud9qlHelp() };
  },
});

// ---- schedules ---------------------------------------------------------------------------------

const listSchedulesArgs = z.strictObject(pageQuery.shape);

const listSchedulesTool = define({
  name: 'list_schedules',
  title: 'List scheduled reports',
  description: 'The scheduled report deliveries of this tenant: what each runs (datasource, report type, fields, Cloud9QL), when (expression, time zone, next run) and how its last run went.',
  args: listSchedulesArgs,
  openWorld: false,
  async run({ tenantId, deps }, args) {
    const page = await deps.listSchedules(tenantId, args);
    const rows = page.items.map((s) => ({
      id: s.id,
      name: s.name,
      datasourceId: s.datasourceId,
      reportType: s.reportType,
      format: s.format,
      schedule: s.schedule,
      timezone: s.timezone,
      enabled: s.enabled,
      nextRunAt: s.nextRunAt,
      lastRun: (s.lastRun as { status?: string } | null)?.status ?? null,
    }));
    const more = page.nextToken ? `\nMore schedules: call again with nextToken "${page.nextToken}".` : '';
    return { structured: { ...page }, text: `${page.items.length} schedule(s)\n${textTable(rows)}${more}` };
  },
});

const listRunsArgs = z.strictObject({ scheduleId: scheduleParams.shape.id, ...pageQuery.shape });

const listRunsTool = define({
  name: 'list_runs',
  title: 'Run history of a schedule, with download links',
  description:
    'The runs of one schedule, newest first: status (queued, running, succeeded, failed), rows, size, error. Succeeded runs carry a downloadUrl of the delivered file ' +
    '(signed, valid one hour, no API key needed): hand it to the user rather than reading the file.',
  args: listRunsArgs,
  openWorld: false,
  async run({ tenantId, deps }, args) {
    const { scheduleId, ...page } = args;
    const runs = await deps.listRuns(tenantId, scheduleId, page);
    const rows = runs.items.map((r) => ({ slot: r.slot, trigger: r.trigger, status: r.status, finishedAt: r.finishedAt, rowCount: r.rowCount, bytes: r.bytes, error: r.error?.code ?? null }));
    const links = runs.items.filter((r) => r.downloadUrl).map((r) => `- ${r.slot}: ${r.downloadUrl} (until ${r.downloadExpiresAt})`);
    const more = runs.nextToken ? `\nMore runs: call again with nextToken "${runs.nextToken}".` : '';
    return {
      structured: { ...runs },
      text: `${runs.items.length} run(s) of ${scheduleId}\n${textTable(rows)}${links.length ? `\nDownloads:\n${links.join('\n')}` : ''}${more}`,
    };
  },
});

/** Every tool, in the order tools/list shows them. */
export const TOOLS: readonly ToolDef[] = [
  listDatasourcesTool,
  getDatasourceTool,
  runReportTool,
  describeFieldsTool,
  cloud9qlHelpTool,
  listSchedulesTool,
  listRunsTool,
];
