/**
 * The three report operations. Request bodies are the report domain's own schemas
 * (reportRequestSchema), so what validates a request is what the OpenAPI document shows.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';
import type { ReportOperation } from '../../http/report-handler.ts';
import { MAX_CLOUD9QL_LENGTH, REPORT_TYPES, defaultCloud9QL, reportRequestSchema, type ReportRequestSchema, type ReportType } from '../../reports/index.ts';
import { reportDefinition } from '../../reports/registry.ts';
import { routePath } from '../../topology/routes.ts';

export const datasourceParams = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)).check(z.meta({ description: 'Datasource id (a connected TikTok account of your tenant).' })),
});

export const reportResultSchema = z.object({
  rows: z.array(z.record(z.string(), z.unknown())).check(z.meta({ description: 'Rows as Cloud9QL returned them; nested objects stay nested.' })),
  columns: z.array(z.string()).check(z.meta({ description: "Union of the rows' top-level keys, in first-seen order. With no rows under the default query: the fields asked for (so an empty CSV still has its header)." })),
  meta: z.object({
    reportType: z.enum(REPORT_TYPES as [ReportType, ...ReportType[]]),
    datasourceId: z.string(),
    fetchedAt: z.string().check(z.meta({ description: 'When the TikTok data was fetched, ISO 8601 UTC.' })),
    pages: z.number().check(z.int()).check(z.meta({ description: 'TikTok calls that returned data.' })),
    cursor: z
      .nullable(z.number().check(z.int()))
      .check(z.meta({ description: 'Video list: cursor to resume after the last page (send it as requestBody.cursor). Else null.' })),
    hasMore: z.boolean().check(z.meta({ description: 'Video list: TikTok has more videos after the last page fetched.' })),
  }),
});

const error = (description: string, extra: Partial<ResponseDoc> = {}): ResponseDoc => ({ description, schema: errorBodySchema, ...extra });

const CSV_EXAMPLES: Record<ReportType, string> = {
  profile: 'data.user.display_name,data.user.follower_count\r\nCora Creator,213402\r\n',
  'video-list': 'id,title,view_count\r\n7374912345678901234,Quick and easy ramen,10234\r\n',
  'video-query': 'id,title,view_count\r\n7374912345678901234,Quick and easy ramen,10234\r\n',
  history: 'period,start,end,days,days_with_data,complete,follower_count,follower_count_delta\r\n2024-06-02,2024-06-02,2024-06-02,1,1,true,213402,187\r\n',
};

function reportResponses(reportType: ReportType): Record<number, ResponseDoc> {
  return {
    200: {
      description:
        `Report rows. JSON (default): {rows, columns, meta}. With format "csv": text/csv (RFC 4180, CRLF), a header row, nested objects flattened ` +
        "to dotted columns (data.user.follower_count), arrays as JSON in one cell, and text cells starting with = + - @ (also after spaces, or full-width), tab, CR or LF prefixed with ' " +
        'so spreadsheets do not run them as formulas; sent as an attachment. With format "html": a self-contained page (charts and table), shown inline.',
      schema: reportResultSchema,
      alternatives: [
        { contentType: 'text/csv', example: CSV_EXAMPLES[reportType] },
        { contentType: 'text/html', example: '<!doctype html><html>…charts and the rows as a table…</html>' },
      ],
      headers: {
        'Content-Disposition': { description: 'CSV: attachment; filename="tiktok-<type>-<datasource>-<time>.csv".', schema: { type: 'string' } },
      },
    },
    400: error('Invalid input; `error.field` names it (e.g. `fields` with the valid names listed, `requestBody.max_count`).'),
    401: error('Missing or invalid API key.'),
    403: error(
      'scope_not_granted: the account did not grant a scope the requested fields need; `error.missingScopes` and `error.fieldsByScope` name them. No TikTok call is made.',
    ),
    404: error('Unknown datasource (or another tenant\'s).'),
    409: error('needs_reauth: the TikTok authorisation is no longer valid; re-connect the account with a new connect link.'),
    413: error(`payload_too_large: request body too large; response_too_large: the rendered report is over the 6 MB the API can return (page with maxVideos and cursor, narrow it with a Cloud9QL select and limit, or export it: POST ${routePath('createExport')}; \`error.exportPath\` names the route).`),
    422: error(`cloud9ql_error: the Cloud9QL query (at most ${MAX_CLOUD9QL_LENGTH} characters) is invalid or failed; \`error.line\` and \`error.column\` locate it.`),
    429: error(
      'quota_exhausted: the TikTok app\'s shared per-minute quota (or this tenant\'s fair share of it) is used up; TikTok was not called; ' +
        '`error.reason` is `window_full`, `tenant_share` or `backoff`. tiktok_rate_limited: TikTok itself refused. ' +
        "rate_limited: the tenant's API requests-per-minute limit is reached. Retry after the Retry-After seconds in every case.",
      { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } } },
    ),
    502: error('tiktok_error: TikTok answered with an error (`error.tiktokLogId` is TikTok\'s log id).'),
    504: error('tiktok_timeout: TikTok did not answer in time.'),
  };
}

function reportOperation<T extends ReportType>(
  operationId: string,
  reportType: T,
  description: string,
): ReportOperation<T> & { params: typeof datasourceParams; body: ReportRequestSchema<T> } {
  const definition = reportDefinition(reportType);
  return {
    reportType,
    operationId,
    summary: `Run the ${definition.title} report`,
    description: `${description} Default Cloud9QL: \`${defaultCloud9QL(reportType)}\`.`,
    tags: ['reports'],
    params: datasourceParams,
    body: reportRequestSchema(reportType),
    bodyExample: definition.example,
    responses: reportResponses(reportType),
  };
}

export const runProfileReport = /* @__PURE__ */ reportOperation(
  'runProfileReport',
  'profile',
  "TikTok user/info for the connected account: the requested profile and stats fields, post-processed with Cloud9QL (which runs on TikTok's {data:{user}}).",
);

export const runVideoListReport = /* @__PURE__ */ reportOperation(
  'runVideoListReport',
  'video-list',
  'TikTok video/list: one page (requestBody.max_count videos posted before requestBody.cursor), or with allPages every page until has_more is false ' +
    'or maxVideos videos, merged into one {data:{videos, cursor, has_more}} before Cloud9QL. Paging also stops before the request would time out; ' +
    'meta.hasMore and meta.cursor then say where to resume.',
);

export const runVideoQueryReport = /* @__PURE__ */ reportOperation(
  'runVideoQueryReport',
  'video-query',
  "TikTok video/query for 1 to 20 of the account's own video ids; ids TikTok does not return (not the account's, deleted, private) are absent from the rows.",
);

// Marked pure: a report function keeps (and builds the request schema of) its own operation only.
export const reportOperations: OperationDoc[] = [runProfileReport, runVideoListReport, runVideoQueryReport];
