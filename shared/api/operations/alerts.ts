/** Alerts (docs/webhooks.md "Alerts"). */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { ALERT_LIMITS, alertBodySchema, alertPatchSchema } from '../../alerts/alerts.ts';
import { errorBodySchema } from '../../http/openapi.ts';
import type { OperationDoc, ResponseDoc } from '../../http/operation.ts';

const error = (description: string): ResponseDoc => ({ description, schema: errorBodySchema });
export const alertParams = z.object({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)).check(z.meta({ description: 'Alert id (alr_...).' })) });

const alertSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  datasourceId: z.string(),
  reportType: z.string(),
  request: z.record(z.string(), z.unknown()),
  condition: z.string(),
  schedule: z.string(),
  timezone: z.string(),
  notify: z.array(z.string()),
  enabled: z.boolean(),
  nextRunAt: z.nullable(z.string()),
  fired: z.number().check(z.meta({ description: 'Times it fired.' })),
  lastEvaluatedAt: z.optional(z.string()),
  lastFiredAt: z.optional(z.string()),
  lastError: z.optional(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const example = {
  name: 'Followers dropped below 1000',
  datasourceId: 'ds_123',
  reportType: 'profile',
  request: { fields: 'display_name,follower_count' },
  condition: 'select display_name, follower_count where follower_count < 1000',
  schedule: 'rate(1 hour)',
};

export const createAlert = {
  operationId: 'createAlert',
  summary: 'Create an alert',
  description: `Runs the report on its schedule (any report type, history included), then the condition; alert.triggered goes out when it returns rows that differ from the last firing. At most ${ALERT_LIMITS.maxPerTenant} per tenant.`,
  tags: ['alerts'],
  body: alertBodySchema,
  bodyExample: example,
  responses: {
    201: { description: 'The alert.', schema: alertSchema },
    400: error('Invalid input; `error.field` names it (request members are named under request.*).'),
    404: error('datasource_not_found (`error.field` is datasourceId).'),
    409: error('alert_limit_reached.'),
    422: error('cloud9ql_error: the condition does not parse (`error.field` is condition, with line and column).'),
  },
} satisfies OperationDoc;
export const listAlerts = { operationId: 'listAlerts', summary: 'List alerts', tags: ['alerts'], responses: { 200: { description: 'Every alert of the tenant.', schema: z.object({ items: z.array(alertSchema) }) } } } satisfies OperationDoc;
export const getAlert = { operationId: 'getAlert', summary: 'Read an alert', tags: ['alerts'], params: alertParams, responses: { 200: { description: 'The alert.', schema: alertSchema } } } satisfies OperationDoc;
export const updateAlert = {
  operationId: 'updateAlert',
  summary: 'Change an alert',
  description: 'Merged and validated as on create. A new condition, request or report type forgets the last match (the next match fires).',
  tags: ['alerts'],
  params: alertParams,
  body: alertPatchSchema,
  bodyExample: { condition: 'select * where follower_count < 500' },
  responses: { 200: { description: 'The changed alert.', schema: alertSchema }, 422: error('cloud9ql_error in the condition.') },
} satisfies OperationDoc;
export const deleteAlert = { operationId: 'deleteAlert', summary: 'Delete an alert', tags: ['alerts'], params: alertParams, responses: { 204: { description: 'Deleted.' } } } satisfies OperationDoc;
export const evaluateAlert = {
  operationId: 'evaluateAlert',
  summary: 'Evaluate an alert now',
  description: 'Runs the report and the condition now, in the scheduled lane of the TikTok quota (429 quota_exhausted when no permit), and fires as a scheduled evaluation would.',
  tags: ['alerts'],
  params: alertParams,
  responses: {
    200: {
      description: 'Whether it fired, and the matching rows.',
      schema: z.object({ fired: z.boolean(), sameAsLast: z.optional(z.boolean()), rowCount: z.number(), eventId: z.optional(z.string()), rows: z.array(z.record(z.string(), z.unknown())) }),
    },
  },
} satisfies OperationDoc;

export const alertOperations: OperationDoc[] = [createAlert, listAlerts, getAlert, updateAlert, deleteAlert, evaluateAlert];
