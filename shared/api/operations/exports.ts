/**
 * Exports: a report of any TikTok-backed type (and history) run in the background and delivered as
 * one file, for results too large (or too slow to page) for one API answer.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { EXPORT_LIMITS, EXPORT_STATUSES } from '../../exports/model.ts';
import { exportBodySchema } from '../../exports/request.ts';
import { DOWNLOAD_URL_TTL_SECONDS } from '../../exports/download.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';
import { datasourceParams } from './reports.ts';
import { routePath } from '../../topology/routes.ts';

const error = (description: string): ResponseDoc => ({ description, schema: errorBodySchema });

export const exportParams = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(128)).check(z.meta({ description: 'Export id (exp_...).' })),
});

export const exportSchema = z.object({
  id: z.string().check(z.meta({ description: 'exp_...' })),
  status: z.enum(EXPORT_STATUSES).check(z.meta({ description: 'queued, running (also between invocations and while waiting for TikTok quota), succeeded or failed.' })),
  datasourceId: z.string(),
  reportType: z.string(),
  format: z.string(),
  rows: z.optional(z.number().check(z.int())).check(z.meta({ description: 'Rows in the file (after Cloud9QL).' })),
  bytes: z.optional(z.number().check(z.int())),
  error: z.optional(z.object({ code: z.string(), message: z.string() })).check(z.meta({ description: 'Why it failed; while running, the last error a retry follows.' })),
  createdAt: z.string(),
  startedAt: z.optional(z.string()),
  finishedAt: z.optional(z.string()),
  progress: z
    .object({
      pages: z.number().check(z.int()),
      rows: z.number().check(z.int()),
      waits: z.number().check(z.int()).check(z.meta({ description: 'Times it waited for the shared TikTok quota (not failures).' })),
      retries: z.number().check(z.int()).check(z.meta({ description: `Real failures retried so far (at most ${EXPORT_LIMITS.maxAttempts - 1}; each resumes from the last saved page).` })),
    })
    .check(z.meta({ description: 'TikTok pages and videos fetched so far (before Cloud9QL), quota waits, retries.' })),
  downloadUrl: z
    .optional(z.string())
    .check(z.meta({ description: `When succeeded: a signed URL of the file, valid ${DOWNLOAD_URL_TTL_SECONDS / 60} minutes (read the export again for a fresh one). No API key needed.` })),
  expiresAt: z.optional(z.string()).check(z.meta({ description: 'When downloadUrl stops working (ISO 8601 UTC).' })),
});

export const createExport = {
  operationId: 'createExport',
  summary: 'Export a report to a file',
  description:
    'Queues the report; it runs in the background under the shared TikTok quota (the scheduled lane), page by page across invocations, resuming where it stopped ' +
    `after a failure or a quota wait, and ends as one file (json, csv or html) in S3, like a scheduled delivery. Follow it with GET ${routePath('getExport')}.`,
  tags: ['exports'],
  params: datasourceParams,
  body: exportBodySchema,
  bodyExample: { reportType: 'video-list', fields: ['id', 'title', 'create_time', 'view_count', 'like_count'], requestBody: { max_count: 20, cursor: 0 }, format: 'csv' },
  responses: {
    202: { description: 'The queued export.', schema: exportSchema },
    400: error('Invalid input; `error.field` names it (as for the report API; also reportType, allPages, maxVideos).'),
    404: error('Unknown datasource (or another tenant\'s).'),
    409: error(`export_limit_reached: the tenant has ${EXPORT_LIMITS.maxActivePerTenant} exports queued or running.`),
  },
} satisfies OperationDoc;

export const getExport = {
  operationId: 'getExport',
  summary: 'Read an export',
  tags: ['exports'],
  params: exportParams,
  responses: {
    200: { description: 'The export; with downloadUrl once it succeeded.', schema: exportSchema },
    404: error('export_not_found: unknown export (or another tenant\'s).'),
  },
} satisfies OperationDoc;

export const exportOperations: OperationDoc[] = [createExport, getExport];
