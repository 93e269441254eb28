/**
 * The schedule operations. The create body is the schedule domain's schema, which embeds THE report
 * request schema of each report type (shared/schedules/definition.ts), so a scheduled request is
 * validated exactly like the report API's.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';
import { RUN_STATUSES, SCHEDULE_LIMITS, scheduleBodySchema, schedulePatchSchema } from '../../schedules/index.ts';
import { routePath } from '../../topology/routes.ts';
import { pageQuery, scheduleParams } from './schedule-params.ts';

const error = (description: string): ResponseDoc => ({ description, schema: errorBodySchema });

const lastRunSchema = z.object({
  slot: z.string(),
  status: z.enum(RUN_STATUSES),
  at: z.string(),
  s3Key: z.optional(z.string()),
  error: z.optional(z.string()),
});

export const scheduleSchema = z
  .catchall(
    z.object({
      id: z.string(),
      name: z.string(),
      datasourceId: z.string(),
      reportType: z.string(),
      fields: z.array(z.string()),
      format: z.string(),
      schedule: z.string(),
      timezone: z.string(),
      enabled: z.boolean(),
      nextRunAt: z.nullable(z.string()).check(z.meta({ description: 'Next due time (ISO 8601 UTC); null when disabled or when the expression has no future run.' })),
      createdAt: z.string(),
      updatedAt: z.string(),
      lastRun: z.nullable(lastRunSchema),
    }),
    z.unknown(),
  )
  .check(z.meta({ description: 'A schedule: its own members plus the report request members it was given (requestBody, allPages, cloud9ql...).' }));

export const runSchema = z.object({
  slot: z.string().check(z.meta({ description: 'The due time this run is for (yyyyMMddTHHmmssZ, UTC); manual runs end in -manual-<suffix>.' })),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(RUN_STATUSES),
  dueAt: z.string(),
  queuedAt: z.string(),
  attempts: z.number().check(z.int()),
  startedAt: z.nullable(z.string()),
  finishedAt: z.nullable(z.string()),
  s3Key: z.nullable(z.string()).check(z.meta({ description: 'Delivered object: <tenantId>/<scheduleId>/<YYYY>/<MM>/<DD>/<slot>.<ext> in the delivery bucket.' })),
  rowCount: z.nullable(z.number().check(z.int())),
  bytes: z.nullable(z.number().check(z.int())),
  durationMs: z.nullable(z.number().check(z.int())),
  error: z.nullable(z.object({ code: z.string(), message: z.string() })),
  missedSlots: z.number().check(z.int()).check(z.meta({ description: 'Earlier slots skipped because the dispatcher was late: only the latest due slot runs.' })),
  quotaWaits: z
    .number()
    .check(z.int())
    .check(z.meta({ description: "Times the run waited for the shared TikTok quota (fleet-wide back-off, or the scheduled lane's share in use); a wait spends no attempt." })),
  downloadUrl: z
    .optional(z.string())
    .check(z.meta({ description: 'Run history, succeeded runs: a signed URL of the delivered file, valid 60 minutes (list again for a fresh one). No API key needed.' })),
  downloadExpiresAt: z.optional(z.string()).check(z.meta({ description: 'When downloadUrl stops working (ISO 8601 UTC).' })),
});

const pageOf = (item: z.ZodMiniType) => z.object({ items: z.array(item), nextToken: z.optional(z.string()) });

export const createSchedule = {
  operationId: 'createSchedule',
  summary: 'Create a scheduled report',
  description:
    'Stores a report request with an EventBridge schedule. Each due slot is delivered once to S3 as ' +
    '<tenantId>/<scheduleId>/<YYYY>/<MM>/<DD>/<slot>.<format>. ' +
    `At most ${SCHEDULE_LIMITS.maxPerTenant} schedules per tenant.`,
  tags: ['schedules'],
  body: scheduleBodySchema(),
  bodyExample: {
    name: 'Daily profile stats',
    datasourceId: 'ds_123',
    reportType: 'profile',
    fields: ['display_name', 'follower_count'],
    format: 'csv',
    schedule: 'cron(0 8 * * ? *)',
    timezone: 'Europe/Berlin',
  },
  responses: {
    201: { description: 'The schedule, with its next run time.', schema: scheduleSchema },
    400: error('Invalid input; `error.field` names it (e.g. `schedule` with what is wrong in the expression, `timezone`, `fields`).'),
    404: error('datasource_not_found: the datasource is unknown or another tenant\'s (`error.field` is `datasourceId`).'),
    409: error(`schedule_limit_reached: the tenant has ${SCHEDULE_LIMITS.maxPerTenant} schedules.`),
  },
} satisfies OperationDoc;

export const listSchedules = {
  operationId: 'listSchedules',
  summary: 'List schedules',
  tags: ['schedules'],
  query: pageQuery,
  responses: { 200: { description: 'One page of schedules.', schema: pageOf(scheduleSchema) } },
} satisfies OperationDoc;

export const getSchedule = {
  operationId: 'getSchedule',
  summary: 'Read a schedule',
  tags: ['schedules'],
  params: scheduleParams,
  responses: { 200: { description: 'The schedule.', schema: scheduleSchema } },
} satisfies OperationDoc;

export const updateSchedule = {
  operationId: 'updateSchedule',
  summary: 'Change a schedule',
  description:
    'Merges the given members into the schedule and validates the result as on create. A new expression, time zone or re-enabling ' +
    'recomputes the next run from now.',
  tags: ['schedules'],
  params: scheduleParams,
  body: schedulePatchSchema,
  bodyExample: { schedule: 'rate(1 hour)', enabled: true },
  responses: {
    200: { description: 'The changed schedule.', schema: scheduleSchema },
    400: error('Invalid input; `error.field` names it.'),
    404: error('Unknown schedule, or an unknown datasource (`error.field` is `datasourceId`).'),
    409: error('schedule_changed: the schedule changed concurrently; read it and retry.'),
  },
} satisfies OperationDoc;

export const deleteSchedule = {
  operationId: 'deleteSchedule',
  summary: 'Delete a schedule',
  description: 'Stops future runs. Delivered objects stay in S3; a run already queued fails with schedule_not_found.',
  tags: ['schedules'],
  params: scheduleParams,
  responses: { 204: { description: 'Deleted.' } },
} satisfies OperationDoc;

export const runScheduleNow = {
  operationId: 'runScheduleNow',
  summary: 'Run a schedule now',
  description: 'Queues a manual run (a slot of its own, delivered like a scheduled one); the schedule\'s next run is not changed.',
  tags: ['schedules'],
  params: scheduleParams,
  responses: { 202: { description: `The queued run; follow it with GET ${routePath('listScheduleRuns')}.`, schema: runSchema } },
} satisfies OperationDoc;

export const listScheduleRuns = {
  operationId: 'listScheduleRuns',
  summary: 'Run history of a schedule',
  description: 'Newest first: status (queued, running, succeeded, failed), S3 key, row count, error.',
  tags: ['schedules'],
  params: scheduleParams,
  query: pageQuery,
  responses: { 200: { description: 'One page of runs.', schema: pageOf(runSchema) } },
} satisfies OperationDoc;

export const scheduleOperations: OperationDoc[] = [
  createSchedule,
  listSchedules,
  getSchedule,
  updateSchedule,
  deleteSchedule,
  runScheduleNow,
  listScheduleRuns,
];
