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

/** The report members of a schedule body: everything that is not one of the schedule's own members. */
function reportMembers(body: Record<string, unknown>): Record<string, unknown> {
  const members: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!(SCHEDULE_MEMBER_NAMES as readonly string[]).includes(key) && value !== undefined) members[key] = value;
  }
  return members;
}

/**
 * THE report schema as a whole, refinements included (e.g. maxVideos only with allPages), as part of
 * the body's one parse. Its defaults are not kept (the body keeps only the members given). Parquet is
 * a delivery format, not an API answer: the report request itself is checked as JSON output.
 */
function reportRules(reportType: ReportType) {
  return z.superRefine((body: Record<string, unknown>, ctx) => {
    const members = reportMembers(body);
    const result = z.safeParse(reportRequestSchema(reportType), members.format === 'parquet' ? { ...members, format: 'json' } : members);
    for (const issue of result.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  });
}

function reportTypeOption<T extends ReportType>(reportType: T) {
  const reportSchema: z.ZodMiniType = reportRequestSchema(reportType);
  // A report schema that is a plain object contributes its members (and so its documentation);
  // any other shape is still validated, by the report schema itself (reportRules).
  const shape: Record<string, z.ZodMiniType> =
    reportSchema instanceof z.ZodMiniObject
      ? Object.fromEntries(Object.entries(reportSchema.shape as Record<string, z.ZodMiniType>).map(([k, v]) => [k, withoutDefault(v)]))
      : {};
  return z
    .strictObject(
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
    )
    .check(reportRules(reportType));
}

type ScheduleBodyOption = ReturnType<typeof reportTypeOption>;

function buildBodySchema() {
  // One option per registered report type (REPORT_TYPES is never empty).
  const options = REPORT_TYPES.map((t) => reportTypeOption(t)) as [ScheduleBodyOption, ...ScheduleBodyOption[]];
  return z.discriminatedUnion('reportType', options, { error: `reportType must be one of: ${REPORT_TYPES.join(', ')}` });
}

let bodySchema: ReturnType<typeof buildBodySchema> | undefined;

/**
 * The create body: one strict object per report type, chosen by `reportType`, each checked by its
 * report schema as a whole. Also documents POST /v1/schedules.
 */
export function scheduleBodySchema(): ReturnType<typeof buildBodySchema> {
  bodySchema ??= buildBodySchema();
  return bodySchema;
}

/**
 * A validated create body (what httpHandler hands the schedule API): the schedule's own members plus
 * the report members of its type, checked by that type's report schema.
 */
export type ScheduleBody = z.output<ReturnType<typeof scheduleBodySchema>> & { [reportMember: string]: unknown };

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
 * The definition of a parsed create body: no second validation, only the expression and the time
 * zone read into their typed forms (a 400 naming `schedule` or `timezone`). Only the report members
 * the caller gave are kept (normalised): defaults are applied at run time, so changing `reportType`
 * later does not carry one type's defaults into another.
 */
export function definitionFromBody(body: ScheduleBody): ScheduleDefinition {
  const expression = parseScheduleExpression(body.schedule);
  const timezone = validateTimezone(body.timezone);
  return {
    name: body.name,
    datasourceId: body.datasourceId,
    reportType: body.reportType,
    request: reportMembers(body),
    schedule: expression.source,
    timezone,
    enabled: body.enabled,
    expression,
  };
}

/**
 * The definition of a stored schedule merged with a PATCH. The merge is a new value no schema has
 * seen (a PATCH may change `reportType` under the stored report members), so this is the one place
 * a schedule is validated inside the domain: once, as a whole, exactly as a create body.
 */
export function definitionFromMerged(merged: Record<string, unknown>): ScheduleDefinition {
  return definitionFromBody(parseOrThrow(scheduleBodySchema(), merged));
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

/** A validated PATCH body. */
export type SchedulePatch = z.output<typeof schedulePatchSchema>;

/** Merges a PATCH into the stored definition, ready for definitionFromMerged. */
export function mergePatch(current: Record<string, unknown>, patch: SchedulePatch): Record<string, unknown> {
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
