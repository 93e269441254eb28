/**
 * THE schedule table: EventBridge rules and the function each one fires. The CDK stack creates
 * the rules from `schedule`; the local runtime's in-process scheduler fires the same targets with
 * EventBridge-shaped events on `localSchedule` (faster, so a laptop sees results within a minute).
 */
import type { FunctionName } from './functions.ts';

export interface ScheduleSpec {
  rule: string;
  target: FunctionName;
  /** EventBridge schedule expression used in AWS. */
  schedule: string;
  /** Expression used by the local runtime. */
  localSchedule: string;
  description: string;
}

export const SCHEDULES: readonly ScheduleSpec[] = [
  {
    rule: 'schedule-dispatch',
    target: 'schedule-dispatch',
    schedule: 'rate(5 minutes)',
    localSchedule: 'rate(1 minute)',
    description: 'Find due report schedules (and daily snapshots) and queue one run per slot',
  },
  {
    rule: 'token-refresh',
    target: 'token-refresh',
    // Every 15 minutes with a 60-minute window: a 2-hour access token is refreshed with 45-60 minutes
    // left, so API calls (5-minute margin) almost never refresh on their own.
    schedule: 'rate(15 minutes)',
    localSchedule: 'rate(1 minute)',
    description: 'Refresh TikTok access tokens that expire within the refresh window',
  },
];

/** Minutes between two firings of a rule in AWS (`rate(N minutes)` / `rate(1 hour)`), e.g. to size per-tick work. */
export function ruleIntervalMinutes(rule: string): number {
  const spec = SCHEDULES.find((s) => s.rule === rule);
  const m = spec && /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(spec.schedule);
  if (!m) throw new TypeError(`No rate() schedule for rule ${rule}`);
  return Number(m[1]) * (m[2]!.startsWith('hour') ? 60 : 1);
}
