/**
 * Validating a schedule definition: the schedule's own members (name, datasourceId, schedule,
 * timezone, enabled) plus a report request validated by THE report schema of its type
 * (`reportRequestSchema(reportType)`), so a stored request is exactly one the report API accepts.
 * Report types and formats are read from the report registry, never listed here.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ValidationError } from '../errors.ts';
import { parseOrThrow } from '../validation/index.ts';
import { REPORT_TYPES, reportRequestSchema, type ReportType } from '../reports/index.ts';
import { deliveryFormats } from '../reports/formats/names.ts';
import { DEFAULT_TIMEZONE, parseScheduleExpression, validateTimezone, type ScheduleExpression } from './expression/index.ts';
import { SCHEDULE_LIMITS } from './model.ts';
import { routePath } from '../topology/routes.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/** The schedule's own members (everything else in the body belongs to the report request). */
export const scheduleMembers = {
  name: z
    .string({ error: 'name must be a string' })
    .check(
      z.trim(),
      z.minLength(1, { error: 'name must not be blank' }),
      z.maxLength(SCHEDULE_LIMITS.nameMaxLength, { error: `name must be at most ${SCHEDULE_LIMITS.nameMaxLength} characters` }),
    )
    .check(z.meta({ description: 'A label for people.', examples: ['Daily profile stats'] })),
  datasourceId: z
    .string({ error: 'datasourceId must be a string' })
    .check(z.regex(ID_PATTERN, { error: 'datasourceId must be a datasource id' }))
    .check(z.meta({ description: `A datasource of the calling tenant (GET ${routePath('listDatasources')}).` })),
  schedule: z.string({ error: 'schedule must be a string' }).check(
    z.meta({
      description:
        'EventBridge schedule expression: rate(value unit) with unit minute(s)/hour(s)/day(s) (minimum 1 minute; singular for 1), ' +
        'or cron(minutes hours day-of-month month day-of-week year) with exactly one of the two day fields set to ?; ' +
        'supports , - * / and L W # and JAN-DEC / SUN-SAT (1 = SUN). A missed slot is not caught up: after an outage only the latest due slot runs.',
      examples: ['rate(1 day)', 'cron(0 8 * * ? *)', 'cron(0 9 ? * MON-FRI *)'],
    }),
  ),
  timezone: z
    ._default(z.string({ error: 'timezone must be a string' }), DEFAULT_TIMEZONE)
    .check(z.meta({ description: 'IANA time zone the cron fields are read in (daylight saving applies). Rates ignore it.', examples: ['Europe/Berlin'] })),
  enabled: z._default(z.boolean({ error: 'enabled must be true or false' }), true),
};

const SCHEDULE_MEMBER_NAMES = ['name', 'datasourceId', 'reportType', 'schedule', 'timezone', 'enabled'] as const;

/** A member without its default: a schedule keeps only what the caller gave (defaults apply at run time). */
function withoutDefault(schema: z.ZodMiniType): z.ZodMiniType {
  if (!(schema instanceof z.ZodMiniDefault)) return schema;
  const meta = z.globalRegistry.get(schema);
  const optional = z.optional(schema.def.innerType);
  return meta ? optional.check(z.meta(meta)) : optional;
}

function reportTypeOption(reportType: ReportType) {
  const reportSchema = reportRequestSchema(reportType) as z.ZodMiniType;
  // A report schema that is a plain object contributes its members (and so its documentation);
  // any other shape is still validated below, by the report schema itself.
  const shape =
    reportSchema instanceof z.ZodMiniObject
      ? Object.fromEntries(Object.entries(reportSchema.shape as Record<string, z.ZodMiniType>).map(([k, v]) => [k, withoutDefault(v)]))
      : {};
  return z.strictObject(
    {
      ...shape,
      ...scheduleMembers,
      reportType: z.literal(reportType),
      format: z
        .enum(deliveryFormats(), { error: `format is required: one of ${deliveryFormats().join(', ')}` })
        .check(z.meta({ description: 'File format of the delivered object (parquet: typed columns from the report\'s fields).' })),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `Unknown member${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')} in the schedule.` : undefined,
    },
  );
}

let bodySchema: z.ZodMiniType | undefined;

/** The create body: one strict object per report type, chosen by `reportType`. Also documents POST /v1/schedules. */
export function scheduleBodySchema(): z.ZodMiniType {
  bodySchema ??= z.discriminatedUnion(
    'reportType',
    REPORT_TYPES.map((t) => reportTypeOption(t)) as unknown as [z.ZodMiniObject, ...z.ZodMiniObject[]],
    { error: `reportType must be one of: ${REPORT_TYPES.join(', ')}` },
  );
  return bodySchema;
}

export interface ScheduleDefinition {
  name: string;
  datasourceId: string;
  reportType: ReportType;
  request: Record<string, unknown>;
  schedule: string;
  timezone: string;
  enabled: boolean;
  expression: ScheduleExpression;
}

/**
 * Validates a whole definition (a create body, or a stored schedule merged with a PATCH). Throws a
 * 400 ValidationError naming the field. Only the report members the caller gave are kept (normalised):
 * defaults are applied at run time, so changing `reportType` later does not carry one type's defaults
 * into another.
 */
export function validateDefinition(input: Record<string, unknown>): ScheduleDefinition {
  const parsed = parseOrThrow(scheduleBodySchema(), input) as Record<string, unknown>;
  const reportType = parsed.reportType as ReportType;
  const members: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(SCHEDULE_MEMBER_NAMES as readonly string[]).includes(key) && value !== undefined) members[key] = value;
  }
  // THE report schema, refinements included (e.g. maxVideos only with allPages); its defaults are
  // not stored, only the members given (normalised).
  // Parquet is a delivery format, not an API answer: the report request itself is checked as JSON output.
  const parquet = members.format === 'parquet';
  const request = parseOrThrow(reportRequestSchema(reportType) as z.ZodMiniType, parquet ? { ...members, format: 'json' } : members) as Record<string, unknown>;
  const given = Object.fromEntries(Object.keys(members).map((key) => [key, parquet && key === 'format' ? 'parquet' : request[key]]));
  const expression = parseScheduleExpression(String(parsed.schedule));
  const timezone = validateTimezone(String(parsed.timezone));
  if (typeof parsed.name !== 'string' || typeof parsed.datasourceId !== 'string') {
    throw new ValidationError('Invalid request: name and datasourceId are required.');
  }
  return {
    name: parsed.name,
    datasourceId: parsed.datasourceId,
    reportType,
    request: given,
    schedule: expression.source,
    timezone,
    enabled: parsed.enabled !== false,
    expression,
  };
}

/** A PATCH body: any subset of the members; `null` removes an optional report member (e.g. cloud9ql). */
export const schedulePatchSchema = z
  .looseObject({
    name: z.optional(scheduleMembers.name),
    datasourceId: z.optional(scheduleMembers.datasourceId),
    reportType: z.optional(z.string({ error: 'reportType must be a string' })),
    schedule: z.optional(scheduleMembers.schedule),
    timezone: z.optional(z.string({ error: 'timezone must be a string' })),
    enabled: z.optional(z.boolean({ error: 'enabled must be true or false' })),
  })
  .check(z.refine((v) => Object.keys(v).length > 0, { error: 'the PATCH body must change at least one member' }))
  .check(z.meta({ description: 'Members to change; the merged schedule is validated as a whole, as on create. null removes an optional report member.' }));

const REQUIRED_MEMBERS = new Set(['name', 'datasourceId', 'reportType', 'schedule', 'fields', 'format']);

/** Merges a PATCH into the stored definition, ready for validateDefinition. */
export function mergePatch(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      if (REQUIRED_MEMBERS.has(key) || key === 'enabled') {
        throw new ValidationError(`Invalid ${key}: it cannot be removed, only changed.`, key);
      }
      delete merged[key];
    } else {
      merged[key] = value;
    }
  }
  return merged;
}
