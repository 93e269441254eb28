/**
 * When a schedule fires.
 *
 * rate(N unit): every N units from the schedule's anchor (its creation, or the last change of its
 * expression), truncated to the minute: slots are anchor + k*interval for k >= 1. Time zones do not
 * apply to rates.
 *
 * cron(...): wall-clock times in the schedule's IANA time zone. cron-parser (with Luxon) does the
 * calendar and time-zone arithmetic on a translation of the validated fields; three things it does
 * not know are applied here as filters on its candidates:
 *   - the year field (candidates in other years are skipped, jumping to the next allowed year);
 *   - `W` / `LW` in day-of-month (the weekday nearest day n / the last weekday of the month);
 *   - EventBridge's daylight-saving rule: a wall time that does not exist on a spring-forward day is
 *     skipped (cron-parser would shift it an hour later). On a fall-back day a named wall time runs
 *     once (cron-parser already does that).
 */
import { CronDate, CronExpressionParser } from 'cron-parser';
import type { DayOfMonthSpec, DayOfWeekSpec } from './cron-fields.ts';
import { CRON_FIELDS } from './cron-fields.ts';
import type { CronExpression, ScheduleExpression } from './parse.ts';

export interface TimingContext {
  /** IANA zone for cron expressions. */
  timezone: string;
  /** Rate anchor, epoch ms (truncated to the minute by `rateAnchor`). */
  anchorMs: number;
}

/** Bound on filter iterations for one search: stops a never-matching expression from spinning. */
const MAX_SEARCH_STEPS = 3_000;
const MINUTE_MS = 60_000;

export function rateAnchor(epochMs: number): number {
  return Math.floor(epochMs / MINUTE_MS) * MINUTE_MS;
}

/** The first run strictly after `afterMs`, or undefined when the schedule never fires again. */
export function nextRunAfter(expr: ScheduleExpression, afterMs: number, ctx: TimingContext): number | undefined {
  if (expr.kind === 'rate') {
    const first = ctx.anchorMs + expr.intervalMs;
    if (afterMs < first) return first;
    return ctx.anchorMs + (Math.floor((afterMs - ctx.anchorMs) / expr.intervalMs) + 1) * expr.intervalMs;
  }
  return cronSearch(expr, afterMs, ctx.timezone, 'next');
}

/** The latest run at or before `atMs`, or undefined when there was none. */
export function latestRunAtOrBefore(expr: ScheduleExpression, atMs: number, ctx: TimingContext): number | undefined {
  if (expr.kind === 'rate') {
    const k = Math.floor((atMs - ctx.anchorMs) / expr.intervalMs);
    return k >= 1 ? ctx.anchorMs + k * expr.intervalMs : undefined;
  }
  // prev() is strictly before its start; cron times are whole minutes, so +1 s includes `atMs` itself.
  return cronSearch(expr, Math.floor(atMs / 1000) * 1000 + 1000, ctx.timezone, 'prev');
}

/** How many runs fall in [fromMs, toMs), counting at most `cap`. */
export function countRunsBetween(expr: ScheduleExpression, fromMs: number, toMs: number, ctx: TimingContext, cap = 1000): number {
  if (toMs <= fromMs) return 0;
  if (expr.kind === 'rate') {
    let first = nextRunAfter(expr, fromMs - 1, ctx)!;
    if (first >= toMs) return 0;
    first = Math.min(first, toMs);
    return Math.min(cap, Math.floor((toMs - 1 - first) / expr.intervalMs) + 1);
  }
  let n = 0;
  let t = fromMs - 1;
  while (n < cap) {
    const next = nextRunAfter(expr, t, ctx);
    if (next === undefined || next >= toMs) break;
    n += 1;
    t = next;
  }
  return n;
}

// ---- cron ----

function listText(values: readonly number[], min: number, max: number, map: (v: number) => number = (v) => v): string {
  return values.length === max - min + 1 ? '*' : values.map(map).join(',');
}

function domText(spec: DayOfMonthSpec): string {
  switch (spec.kind) {
    case 'values':
      return listText(spec.days, CRON_FIELDS.dayOfMonth.min, CRON_FIELDS.dayOfMonth.max);
    case 'last':
      return 'L';
    // `any`, and the W forms (filtered below): every day.
    default:
      return '*';
  }
}

/** cron-parser counts day-of-week 0-6 from Sunday; EventBridge 1-7. */
function dowText(spec: DayOfWeekSpec): string {
  switch (spec.kind) {
    case 'values':
      return listText(spec.days, 1, 7, (d) => d - 1);
    case 'lastOfMonth':
      return `${spec.day - 1}L`;
    case 'nthOfMonth':
      return `${spec.day - 1}#${spec.nth}`;
    default:
      return '*';
  }
}

const translations = new WeakMap<CronExpression, string>();

/** The same schedule in cron-parser's six-field (seconds first) syntax, minus year and W. */
export function cronParserText(expr: CronExpression): string {
  let text = translations.get(expr);
  if (!text) {
    text = [
      '0',
      listText(expr.minutes, 0, 59),
      listText(expr.hours, 0, 23),
      domText(expr.dayOfMonth),
      listText(expr.months, 1, 12),
      dowText(expr.dayOfWeek),
    ].join(' ');
    translations.set(expr, text);
  }
  return text;
}

function daysInMonth(year: number, month1: number): number {
  return new Date(Date.UTC(year, month1, 0)).getUTCDate();
}

function weekday(year: number, month1: number, day: number): number {
  return new Date(Date.UTC(year, month1 - 1, day)).getUTCDay(); // 0 = Sunday
}

/** The day a `W` / `LW` day-of-month picks in a month; undefined when it does not fire that month. */
export function weekdayTarget(spec: DayOfMonthSpec, year: number, month1: number): number | undefined {
  const dim = daysInMonth(year, month1);
  if (spec.kind === 'lastWeekday') {
    const dow = weekday(year, month1, dim);
    return dow === 6 ? dim - 1 : dow === 0 ? dim - 2 : dim;
  }
  if (spec.kind !== 'nearestWeekday') return undefined;
  const n = spec.day;
  if (n > dim) return undefined;
  const dow = weekday(year, month1, n);
  // Never crosses into another month: 1W on a Saturday is Monday the 3rd.
  if (dow === 6) return n === 1 ? 3 : n - 1;
  if (dow === 0) return n === dim ? n - 2 : n + 1;
  return n;
}

/** Epoch ms of local midnight (or the first instant of the day when midnight does not exist). */
function localDayStart(tz: string, year: number, month1: number, day: number): number {
  const norm = new Date(Date.UTC(year, month1 - 1, day));
  const c = new CronDate(Date.UTC(norm.getUTCFullYear(), norm.getUTCMonth(), 1, 12), tz);
  c.setDate(1);
  c.setFullYear(norm.getUTCFullYear());
  c.setMonth(norm.getUTCMonth());
  c.setDate(norm.getUTCDate());
  c.setStartOfDay();
  return c.getTime();
}

function cronSearch(expr: CronExpression, fromMs: number, tz: string, dir: 'next' | 'prev'): number | undefined {
  const text = cronParserText(expr);
  const years = expr.years;
  const yearSet = new Set(years);
  const minuteSet = new Set(expr.minutes);
  const hourSet = new Set(expr.hours);
  const usesW = expr.dayOfMonth.kind === 'nearestWeekday' || expr.dayOfMonth.kind === 'lastWeekday';
  let cursor = fromMs;
  for (let step = 0; step < MAX_SEARCH_STEPS; step += 1) {
    let date: CronDate;
    try {
      const it = CronExpressionParser.parse(text, { currentDate: new Date(cursor), tz });
      date = dir === 'next' ? it.next() : it.prev();
    } catch {
      return undefined; // cron-parser found nothing within its own loop limit (e.g. 30 FEB)
    }
    const t = date.getTime();
    const year = date.getFullYear();
    const month1 = date.getMonth() + 1;
    const day = date.getDate();
    if (!yearSet.has(year)) {
      if (dir === 'next') {
        const y = years.find((v) => v > year);
        if (y === undefined) return undefined;
        cursor = localDayStart(tz, y, 1, 1) - 1000;
      } else {
        const y = [...years].reverse().find((v) => v < year);
        if (y === undefined) return undefined;
        cursor = localDayStart(tz, y + 1, 1, 1);
      }
      continue;
    }
    if (usesW) {
      const target = weekdayTarget(expr.dayOfMonth, year, month1);
      if (target !== day) {
        if (dir === 'next') {
          cursor = target !== undefined && day < target ? localDayStart(tz, year, month1, target) - 1000 : localDayStart(tz, year, month1 + 1, 1) - 1000;
        } else {
          cursor = target !== undefined && day > target ? localDayStart(tz, year, month1, target + 1) : localDayStart(tz, year, month1, 1);
        }
        continue;
      }
    }
    // Spring forward: cron-parser moves a missing wall time (02:30) to the next hour; EventBridge skips it.
    if (!hourSet.has(date.getHours()) || !minuteSet.has(date.getMinutes())) {
      cursor = t;
      continue;
    }
    return t;
  }
  return undefined;
}
