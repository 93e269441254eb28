/** EventBridge schedule expressions: parsing, validation and run-time computation. */
export { parseScheduleExpression, RATE_UNITS, type CronExpression, type RateExpression, type ScheduleExpression } from './parse.ts';
export { CRON_FIELDS, SCHEDULE_FIELD, type CronFields, type DayOfMonthSpec, type DayOfWeekSpec } from './cron-fields.ts';
export { countRunsBetween, cronParserText, latestRunAtOrBefore, nextRunAfter, rateAnchor, weekdayTarget, type TimingContext } from './next-run.ts';
export { DEFAULT_TIMEZONE, validateTimezone } from './timezone.ts';
