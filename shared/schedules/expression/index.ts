/** EventBridge schedule expressions: parsing, validation and run-time computation. */
export { parseScheduleExpression, type ScheduleExpression } from './parse.ts';
export { countRunsBetween, latestRunAtOrBefore, nextRunAfter, rateAnchor, weekdayTarget } from './next-run.ts';
export { DEFAULT_TIMEZONE, validateTimezone } from './timezone.ts';
