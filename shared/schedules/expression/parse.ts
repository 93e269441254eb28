/**
 * EventBridge schedule expressions: `rate(value unit)` and `cron(six fields)`.
 *
 * rate: value is a positive whole number; unit is minute(s), hour(s) or day(s); EventBridge insists
 * on `1 minute` (singular) and `5 minutes` (plural), and so do we. The smallest rate is 1 minute.
 */
import { ValidationError } from '../../errors.ts';
import { parseCronFields, SCHEDULE_FIELD, type CronFields } from './cron-fields.ts';

export const RATE_UNITS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
export type RateUnit = keyof typeof RATE_UNITS;

/** Upper bound on a rate's value, so intervals stay far inside safe integer arithmetic. */
export const MAX_RATE_VALUE = 1_000_000;
export const MAX_EXPRESSION_LENGTH = 256;

export interface RateExpression {
  kind: 'rate';
  source: string;
  value: number;
  unit: RateUnit;
  intervalMs: number;
}

export interface CronExpression extends CronFields {
  kind: 'cron';
  source: string;
}

export type ScheduleExpression = RateExpression | CronExpression;

function fail(message: string): never {
  throw new ValidationError(`Invalid ${SCHEDULE_FIELD}: ${message}`, SCHEDULE_FIELD);
}

function parseRate(source: string, body: string): RateExpression {
  const m = /^(\S+) (\S+)$/.exec(body);
  if (!m) fail(`rate expressions look like rate(5 minutes): a value, one space, a unit; got '${source}'.`);
  const [, valueText, unitText] = m as unknown as [string, string, string];
  if (!/^\d+$/.test(valueText) || Number(valueText) < 1) fail(`rate value '${valueText}' must be a positive whole number (the smallest rate is 1 minute).`);
  const value = Number(valueText);
  if (value > MAX_RATE_VALUE) fail(`rate value ${valueText} is larger than ${MAX_RATE_VALUE}.`);
  const singular = unitText.replace(/s$/, '');
  if (!(singular in RATE_UNITS)) fail(`rate unit '${unitText}' is unknown: use minute(s), hour(s) or day(s).`);
  const unit = singular as RateUnit;
  const expected = value === 1 ? unit : `${unit}s`;
  if (unitText !== expected) {
    fail(`rate unit must be ${value === 1 ? 'singular for a value of 1' : 'plural for values above 1'}: write rate(${value} ${expected}).`);
  }
  return { kind: 'rate', source, value, unit, intervalMs: value * RATE_UNITS[unit] };
}

/** Parses and validates an EventBridge schedule expression. Throws a 400 ValidationError naming `schedule`. */
export function parseScheduleExpression(source: string): ScheduleExpression {
  if (source.length > MAX_EXPRESSION_LENGTH) fail(`longer than ${MAX_EXPRESSION_LENGTH} characters.`);
  const m = /^(rate|cron)\((.*)\)$/s.exec(source);
  if (!m) fail(`expected rate(value unit) or cron(minutes hours day-of-month month day-of-week year), got '${source}'.`);
  const [, kind, body] = m as unknown as [string, 'rate' | 'cron', string];
  if (kind === 'rate') return parseRate(source, body);
  return { kind: 'cron', source, ...parseCronFields(body) };
}
