/**
 * Alerts (docs/webhooks.md "Alerts"): a report on a schedule, a Cloud9QL `condition` over its rows,
 * and alert.triggered with the matching rows when the condition returns any, unless they are the
 * same rows as the last time it fired ("skip if same as last"). Stored at `TENANT#<t>` / `ALERT#<id>`;
 * while enabled, in gsi1 under `ALERTDUE` by next run time, found by the schedule dispatcher's tick.
 */
import { createHash, randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { Cloud9QLError, compileCloud9QL, runCloud9QL } from '../cloud9ql/index.ts';
import { cloud9qlAppError } from '../error-translation.ts';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { parseOrThrow } from '../validation/index.ts';
import { REPORT_TYPES, reportRequestSchema, type ReportResult, type ReportType } from '../reports/index.ts';
import { DEFAULT_TIMEZONE, parseScheduleExpression, rateAnchor, validateTimezone } from '../schedules/expression/index.ts';
import { isConditionFailed, unlessConditionFails } from '../store/conditional-write.ts';
import { makeEvent } from '../webhooks/events.ts';
import type { WebhookQueue } from '../webhooks/queue.ts';
import { WEBHOOK_LIMITS } from '../webhooks/settings.ts';
import type { StoreDeps } from '../webhooks/store.ts';

export const ALERT_LIMITS = { maxPerTenant: 50, nameMaxLength: 200, conditionMaxLength: 2_000, maxNotify: 20, rowsInEvent: 100 } as const;
import { ALERT_DUE_PARTITION } from './due.ts';
export { ALERT_DUE_PARTITION };

const ID = /^[A-Za-z0-9_-]{1,128}$/;
export const alertBodySchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(ALERT_LIMITS.nameMaxLength)),
  datasourceId: z.string().check(z.regex(ID, { error: 'datasourceId must be a datasource id' })),
  reportType: z.enum(REPORT_TYPES as [ReportType, ...ReportType[]]),
  request: z.record(z.string(), z.unknown()).check(z.meta({ description: "The report request, as that report type's API takes it (fields, requestBody, cloud9ql...)." })),
  condition: z
    .string()
    .check(z.minLength(1), z.maxLength(ALERT_LIMITS.conditionMaxLength))
    .check(z.meta({ description: 'Cloud9QL over the report rows; the alert fires when it returns at least one row.', examples: ['select * where follower_count < 1000'] })),
  schedule: z.string().check(z.maxLength(256)).check(z.meta({ description: 'EventBridge expression, as for schedules.', examples: ['rate(1 hour)'] })),
  timezone: z._default(z.string().check(z.maxLength(64)), DEFAULT_TIMEZONE),
  notify: z
    ._default(z.array(z.string().check(z.regex(ID))).check(z.maxLength(ALERT_LIMITS.maxNotify)), [])
    .check(z.meta({ description: 'Webhook subscription ids to send alert.triggered to; empty: every subscription to alert.triggered.' })),
  enabled: z._default(z.boolean(), true),
});
// Without the create defaults: a PATCH that leaves out `notify` or `enabled` keeps them.
const shape = alertBodySchema.shape;
export const alertPatchSchema = z
  .strictObject({
    name: z.optional(shape.name),
    datasourceId: z.optional(shape.datasourceId),
    reportType: z.optional(shape.reportType),
    request: z.optional(shape.request),
    condition: z.optional(shape.condition),
    schedule: z.optional(shape.schedule),
    timezone: z.optional(shape.timezone.def.innerType),
    notify: z.optional(shape.notify.def.innerType),
    enabled: z.optional(shape.enabled.def.innerType),
  })
  .check(z.refine((v) => Object.keys(v).length > 0, { error: 'the PATCH body must change at least one member' }));

export type AlertBody = z.output<typeof alertBodySchema>;

export interface AlertRecord extends AlertBody {
  id: string;
  tenantId: string;
  anchorAt: string;
  nextRunAt?: string;
  lastMatchHash?: string;
  fired: number;
  lastEvaluatedAt?: string;
  lastFiredAt?: string;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

export interface AlertDeps extends StoreDeps {
  now(): number;
  /** The tenant owns the datasource, or a 404 is thrown. */
  assertDatasource(tenantId: string, datasourceId: string): Promise<void>;
  /** Runs the report; the caller wraps it in the scheduled quota lane. */
  runReport(args: { tenantId: string; datasourceId: string; reportType: string; request: unknown }): Promise<ReportResult>;
  queue(): WebhookQueue | undefined;
}

import { alertKey as key } from './due.ts';
const notFound = (id: string) => new NotFoundError(`Alert ${id} was not found.`, 'alert_not_found');

/** A Cloud9QL error naming `condition`, with line and column, as report Cloud9QL errors. */
function checkCondition(condition: string): void {
  try {
    compileCloud9QL(condition);
  } catch (err) {
    if (err instanceof Cloud9QLError) throw cloud9qlAppError(err, 'condition');
    throw err;
  }
}

import { nextAlertRun as nextRun } from './due.ts';

async function validate(deps: AlertDeps, tenantId: string, def: AlertBody): Promise<AlertBody> {
  // The one parse of the report members: the body schema takes them as a record, their schema depends on reportType.
  const request: Record<string, unknown> = parseOrThrow(reportRequestSchema(def.reportType), def.request, 'request');
  parseScheduleExpression(def.schedule);
  const timezone = validateTimezone(def.timezone);
  checkCondition(def.condition);
  try {
    await deps.assertDatasource(tenantId, def.datasourceId);
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found') throw new AppError('not_found', 'datasource_not_found', `Invalid datasourceId: datasource ${def.datasourceId} was not found.`, { field: 'datasourceId' });
    throw err;
  }
  for (const id of def.notify) {
    const sub = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: { pk: `TENANT#${tenantId}`, sk: `WHK#${id}` } }));
    if (!sub.Item) throw new ValidationError(`Invalid notify: webhook subscription ${id} was not found.`, 'notify');
  }
  return { ...def, request: Object.fromEntries(Object.keys(def.request).map((k) => [k, request[k]])), timezone, notify: [...new Set(def.notify)] };
}

function item(a: AlertRecord): Record<string, unknown> {
  return { ...key(a.tenantId, a.id), type: 'alert', ...a, ...(a.enabled && a.nextRunAt ? { gsi1pk: ALERT_DUE_PARTITION, gsi1sk: `${a.nextRunAt}#${a.tenantId}#${a.id}` } : {}) };
}

function fromItem(i: Record<string, unknown>): AlertRecord {
  const { pk: _p, sk: _s, type: _t, gsi1pk: _g, gsi1sk: _h, ...rest } = i;
  return rest as unknown as AlertRecord;
}

export function alertView(a: AlertRecord): Record<string, unknown> {
  const { tenantId: _t, lastMatchHash: _h, anchorAt: _a, ...rest } = a;
  return { ...rest, nextRunAt: a.enabled ? (a.nextRunAt ?? null) : null };
}

export async function createAlert(deps: AlertDeps, tenantId: string, body: AlertBody): Promise<AlertRecord> {
  const def = await validate(deps, tenantId, body);
  const count = await deps.dynamo.send(
    new QueryCommand({ TableName: deps.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':p': 'ALERT#' }, Select: 'COUNT' }),
  );
  if ((count.Count ?? 0) >= ALERT_LIMITS.maxPerTenant) throw new ConflictError('alert_limit_reached', `A tenant can have at most ${ALERT_LIMITS.maxPerTenant} alerts; delete one first.`);
  const nowMs = deps.now();
  const anchorMs = rateAnchor(nowMs);
  const now = new Date(nowMs).toISOString();
  const record: AlertRecord = { ...def, id: `alr_${randomUUID().replace(/-/g, '')}`, tenantId, anchorAt: new Date(anchorMs).toISOString(), nextRunAt: nextRun(def, nowMs, anchorMs), fired: 0, createdAt: now, updatedAt: now };
  await deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: item(record), ConditionExpression: 'attribute_not_exists(pk)' }));
  return record;
}

export async function getAlert(deps: StoreDeps, tenantId: string, id: string): Promise<AlertRecord> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: key(tenantId, id), ConsistentRead: true }));
  if (res.Item?.type !== 'alert') throw notFound(id);
  return fromItem(res.Item);
}

export async function listAlerts(deps: StoreDeps, tenantId: string): Promise<AlertRecord[]> {
  const res = await deps.dynamo.send(
    new QueryCommand({ TableName: deps.tableName, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': `TENANT#${tenantId}`, ':p': 'ALERT#' } }),
  );
  return (res.Items ?? []).filter((i) => i.type === 'alert').map(fromItem);
}

export async function updateAlert(deps: AlertDeps, tenantId: string, id: string, patch: Partial<AlertBody>): Promise<AlertRecord> {
  const current = await getAlert(deps, tenantId, id);
  const merged = parseOrThrow(alertBodySchema, { name: current.name, datasourceId: current.datasourceId, reportType: current.reportType, request: current.request, condition: current.condition, schedule: current.schedule, timezone: current.timezone, notify: current.notify, enabled: current.enabled, ...patch });
  const def = await validate(deps, tenantId, merged);
  const nowMs = deps.now();
  const timing = def.schedule !== current.schedule || def.timezone !== current.timezone || def.enabled !== current.enabled;
  const anchorMs = def.schedule !== current.schedule ? rateAnchor(nowMs) : Date.parse(current.anchorAt);
  // A new condition or request is a new question: the last match no longer says anything.
  const reset = def.condition !== current.condition || JSON.stringify(def.request) !== JSON.stringify(current.request) || def.reportType !== current.reportType;
  const record: AlertRecord = {
    ...current,
    ...def,
    anchorAt: new Date(anchorMs).toISOString(),
    nextRunAt: timing ? nextRun(def, nowMs, anchorMs) : current.nextRunAt,
    ...(reset ? { lastMatchHash: undefined } : {}),
    updatedAt: new Date(nowMs).toISOString(),
  };
  try {
    await deps.dynamo.send(new PutCommand({ TableName: deps.tableName, Item: item(record), ConditionExpression: 'updatedAt = :u', ExpressionAttributeValues: { ':u': current.updatedAt } }));
  } catch (err) {
    if (isConditionFailed(err)) throw new ConflictError('alert_changed', 'The alert changed while this request was processed; read it again and retry.');
    throw err;
  }
  return record;
}

export async function deleteAlert(deps: StoreDeps, tenantId: string, id: string): Promise<void> {
  const done = await unlessConditionFails(deps.dynamo.send(new DeleteCommand({ TableName: deps.tableName, Key: key(tenantId, id), ConditionExpression: 'attribute_exists(pk)' })));
  if (done === undefined) throw notFound(id);
}

/** Key order does not change a row's identity. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

export interface Evaluation {
  fired: boolean;
  rowCount: number;
  /** Rows matched but they are the rows it fired for last time. */
  sameAsLast?: boolean;
  eventId?: string;
  rows: Record<string, unknown>[];
}

/**
 * Runs the report and the condition; fires when rows match and differ from the last firing. The
 * fire is claimed with a conditional write on the last match (two evaluations at once fire once).
 */
export async function evaluateAlert(deps: AlertDeps, alert: AlertRecord): Promise<Evaluation> {
  const result = await deps.runReport({ tenantId: alert.tenantId, datasourceId: alert.datasourceId, reportType: alert.reportType, request: { ...alert.request, format: 'json' } });
  let rows: Record<string, unknown>[];
  try {
    rows = runCloud9QL(alert.condition, result.rows);
  } catch (err) {
    checkCondition(alert.condition);
    throw err;
  }
  const nowIso = new Date(deps.now()).toISOString();
  const k = key(alert.tenantId, alert.id);
  if (rows.length === 0) {
    await unlessConditionFails(
      deps.dynamo.send(new UpdateCommand({ TableName: deps.tableName, Key: k, UpdateExpression: 'SET lastEvaluatedAt = :n REMOVE lastMatchHash, lastError', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':n': nowIso } })),
    );
    return { fired: false, rowCount: 0, rows: [] };
  }
  const hash = createHash('sha256').update(JSON.stringify(canonical(rows))).digest('hex');
  const claimed = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: k,
        UpdateExpression: 'SET lastMatchHash = :h, lastEvaluatedAt = :n, lastFiredAt = :n ADD fired :one REMOVE lastError',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(lastMatchHash) OR lastMatchHash <> :h)',
        ExpressionAttributeValues: { ':h': hash, ':n': nowIso, ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    ),
  );
  if (!claimed) {
    await unlessConditionFails(deps.dynamo.send(new UpdateCommand({ TableName: deps.tableName, Key: k, UpdateExpression: 'SET lastEvaluatedAt = :n', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':n': nowIso } })));
    return { fired: false, sameAsLast: true, rowCount: rows.length, rows };
  }
  const fired = Number(claimed.Attributes?.fired ?? 0);
  // Rows cut to fit the delivered body (WEBHOOK_LIMITS.maxBodyBytes); the count stays exact.
  let sent = rows.slice(0, ALERT_LIMITS.rowsInEvent);
  while (sent.length > 1 && Buffer.byteLength(JSON.stringify(sent)) > WEBHOOK_LIMITS.maxBodyBytes - 4_096) sent = sent.slice(0, Math.ceil(sent.length / 2));
  const event = makeEvent('alert.triggered', [alert.id, fired], {
    alert: { id: alert.id, name: alert.name, builtin: false },
    datasourceId: alert.datasourceId,
    rowCount: rows.length,
    rows: sent,
    ...(sent.length < rows.length ? { truncated: true } : {}),
  }, deps.now());
  const queue = deps.queue();
  if (queue) await queue.send({ kind: 'event', tenantId: alert.tenantId, event, ...(alert.notify.length ? { subscriptionIds: alert.notify } : {}) });
  return { fired: true, rowCount: rows.length, eventId: event.id, rows };
}

export async function recordAlertError(deps: StoreDeps, tenantId: string, id: string, message: string): Promise<void> {
  await unlessConditionFails(
    deps.dynamo.send(new UpdateCommand({ TableName: deps.tableName, Key: key(tenantId, id), UpdateExpression: 'SET lastError = :e', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':e': message.slice(0, 500) } })),
  );
}
