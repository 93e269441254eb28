/**
 * POST /v1/datasources/{id}/reports/history: the growth history report. The body is the history
 * report type's own request schema, so what validates a request is what this document shows.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';
import { HISTORY_METRICS } from '../../history/report.ts';
import { DEFAULT_HISTORY_DAYS, MAX_HISTORY_DAYS, MAX_TOP_VIDEOS, historyRequestExample } from '../../reports/request/history.ts';
import { MAX_CLOUD9QL_LENGTH, reportRequestSchema } from '../../reports/index.ts';
import { datasourceParams } from './reports.ts';
import { routePath } from '../../topology/routes.ts';

const metricValue = z.nullable(z.number().check(z.int()));

const periodRow = z
  .object({
    period: z.string().check(z.meta({ description: 'The day (2024-06-01), ISO week (2024-W23) or month (2024-06).', examples: ['2024-W23'] })),
    start: z.string().check(z.meta({ description: 'First day of the period within from/to (periods are clipped to the range).' })),
    end: z.string().check(z.meta({ description: 'Last day of the period within from/to.' })),
    days: z.number().check(z.int()).check(z.meta({ description: 'Days in the (clipped) period.' })),
    days_with_data: z.number().check(z.int()).check(z.meta({ description: 'Days of the period with a stored snapshot.' })),
    complete: z.boolean().check(
      z.meta({
        description: 'Every day of the period and the day before it has a value for every metric; the delta then equals the sum of the daily deltas.',
      }),
    ),
    ...Object.fromEntries(
      HISTORY_METRICS.flatMap((m) => [
        [m, z.optional(metricValue).check(z.meta({ description: `${m} on the last day of the period with a snapshot; null when the period has none (never 0 for missing).` }))],
        [`${m}_delta`, z.optional(metricValue).check(z.meta({ description: `${m} gained in the period (negative when it went down); null when this or the previous period has no value.` }))],
      ]),
    ),
  })
  .check(z.meta({ description: 'One period (default Cloud9QL `select expand(data.periods);`). Only the requested metrics appear.' }));

const topVideo = z.object({
  rank: z.number().check(z.int()),
  id: z.string(),
  title: z.nullable(z.string()).check(z.meta({ description: 'As last captured (user content: escape it).' })),
  create_time: z.nullable(z.number().check(z.int())).check(z.meta({ description: 'Unix seconds.' })),
  views: z.number().check(z.int()).check(z.meta({ description: 'Views at the end of the window.' })),
  views_gained: z.number().check(z.int()),
  likes_gained: z.number().check(z.int()),
  comments_gained: z.number().check(z.int()),
  shares_gained: z.number().check(z.int()),
});

export const historyResultSchema = z.object({
  rows: z.array(periodRow).check(z.meta({ description: 'Rows as Cloud9QL returned them (one per period with the default query).' })),
  columns: z.array(z.string()),
  meta: z.object({
    reportType: z.literal('history'),
    datasourceId: z.string(),
    fetchedAt: z.string().check(z.meta({ description: 'When the report was computed, ISO 8601 UTC.' })),
    pages: z.literal(0).check(z.meta({ description: 'TikTok calls made: none, history reads stored snapshots.' })),
    cursor: z.null(),
    hasMore: z.literal(false),
    account: z.object({ displayName: z.nullable(z.string()), name: z.string() }),
    history: z.object({
      from: z.string(),
      to: z.string(),
      granularity: z.enum(['day', 'week', 'month']),
      metrics: z.array(z.enum(HISTORY_METRICS)),
      daysWithData: z.number().check(z.int()).check(z.meta({ description: 'Days in from..to with a snapshot.' })),
      firstSnapshot: z.nullable(z.string()).check(z.meta({ description: 'First day in from..to with a snapshot.' })),
      topVideos: z.array(topVideo).check(z.meta({ description: 'Videos present at the end of the window, by views gained, at most topVideos.' })),
      topVideosFrom: z.nullable(z.string()).check(z.meta({ description: 'Baseline day: the day before `from`, or the first snapshot when history starts inside the range.' })),
      topVideosTo: z.nullable(z.string()).check(z.meta({ description: 'Last day with per-video data up to `to`.' })),
    }),
  }),
});

const error = (description: string): ResponseDoc => ({ description, schema: errorBodySchema });

const responses: Record<number, ResponseDoc> = {
  200: {
    description:
      'Per-period values and deltas. JSON (default): {rows, columns, meta} with meta.history.topVideos. "csv": text/csv as for the other reports. ' +
      '"html": a self-contained page (inline SVG line charts per metric, a bar chart of the top videos, the table; no script or external resource).',
    schema: historyResultSchema,
    alternatives: [
      { contentType: 'text/csv', example: 'period,start,end,days,days_with_data,complete,follower_count,follower_count_delta\r\n2024-06-02,2024-06-02,2024-06-02,1,1,true,213402,187\r\n2024-06-03,2024-06-03,2024-06-03,1,0,false,,\r\n' },
      { contentType: 'text/html', example: '<!doctype html><html lang="en">…<svg class="chart line" …>…</svg>…<table>…</table>…</html>' },
    ],
    headers: {
      'Content-Disposition': { description: 'CSV only: attachment; filename="tiktok-history-<datasource>-<time>.csv". HTML is shown inline.', schema: { type: 'string' } },
      'Content-Security-Policy': { description: "HTML only: default-src 'none' (no script, no external resource).", schema: { type: 'string' } },
    },
  },
  400: error(
    `invalid_request naming the field: from/to not YYYY-MM-DD or from after to, a range over ${MAX_HISTORY_DAYS} days, unknown metrics (the valid ones are listed), ` +
      `granularity not day/week/month, topVideos outside 0..${MAX_TOP_VIDEOS}, an unknown member.`,
  ),
  401: error('Missing or invalid API key.'),
  404: error("Unknown datasource (or another tenant's)."),
  413: error(`payload_too_large: request body too large; response_too_large: the rendered report is over the 6 MB the API can return (narrow the period or the query, or export it: POST ${routePath('createExport')}; \`error.exportPath\` names the route).`),
  422: error(`cloud9ql_error: the Cloud9QL query (at most ${MAX_CLOUD9QL_LENGTH} characters) is invalid or failed; \`error.line\` and \`error.column\` locate it.`),
};

export const runHistoryReport = {
  operationId: 'runHistoryReport',
  summary: 'Run the Growth history report',
  description:
    'Growth over time from the daily snapshots the service stores for every active datasource (profile counters and per-video counters, ' +
    'kept from the day the account was connected for as long as the retention allows; default forever). TikTok is not called, so the report ' +
    'also answers while the account needs re-authorisation. A period\'s value is the counter on its last day with a snapshot; its delta is that ' +
    'minus the previous period\'s value. Days without a snapshot (the account needed re-authorisation, the service was down) are null, never 0. ' +
    `Defaults: the last ${DEFAULT_HISTORY_DAYS} days, every metric (${HISTORY_METRICS.join(', ')}), by day, 10 top videos. ` +
    'Cloud9QL runs on {data:{account, from, to, granularity, metrics, periods, top_videos, top_videos_from, top_videos_to, days_with_data, first_snapshot}}; ' +
    'default `select expand(data.periods);` (use `select expand(data.top_videos);` for the videos). Schedulable with reportType "history".',
  tags: ['reports'],
  params: datasourceParams,
  body: reportRequestSchema('history'),
  bodyExample: historyRequestExample,
  responses,
} satisfies OperationDoc;

export const historyOperations: OperationDoc[] = [runHistoryReport];
