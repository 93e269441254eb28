/**
 * When a schedule fires.
 *
 * rate(N unit): every N units from the schedule's anchor (its creation, or the last change of its
 * expression), truncated to the minute: slots are anchor + k*interval for k >= 1. Time zones do not
 * apply to rates.
 *
 * cron(...): wall-clock times in the schedule's IANA time zone. croner (no dependencies, zones via
 * Intl) does the calendar and time-zone arithmetic on a translation of the validated fields. It
 * speaks EventBridge's dialect closely enough to take every field as is: the year field, `L`, `LW`,
 * `nW` (never leaving the month), `nL`, `n#k`, day-of-week 1-7 from Sunday (`alternativeWeekdays`),
 * and AND of the two day fields (`domAndDow`; EventBridge forces one of them to `?`, which we send as
 * `*`). Where croner differs, we keep EventBridge's rule:
 *   - spring forward: a wall time that does not exist that day is skipped. croner runs a
 *     "fixed-time" job (02:30) at the end of the gap instead, so candidates whose local hour and
 *     minute are not in the expression are filtered out;
 *   - fall back: a wall time with named hours runs once, at its first occurrence; with hours `*`
 *     every occurrence runs, as wall time passes (as with cron-parser before). croner decides this
 *     per job: with `fixedTimeRule: 'no-wildcard'` a job is "fixed-time" (runs once) unless its
 *     seconds, minutes or hours hold `*` or a step. So we send minutes as a plain list, always,
 *     and hours as `*` only when every hour is allowed: the hours alone decide, as before.
 * (cron-parser got some DST days wrong: no run at all, a repeated wall time's second occurrence
 * from latestRunAtOrBefore or from inside the repeated hour, a "next" run before the start. croner
 * plus the filter gives the same set of runs whichever way and from wherever it is searched.)
 * croner knows the year field and `W`, so no zone-aware day-start arithmetic is needed here.
 */
import { Cron, CronDate } from 'croner';
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
  // The backward search is strictly before its start; cron times are whole minutes, so +1 s includes `atMs` itself.
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

/** `*` for a full field, else the plain list: steps and ranges are already expanded by the parser. */
function listText(values: readonly number[], min: number, max: number): string {
  return values.length === max - min + 1 ? '*' : values.join(',');
}

function domText(spec: DayOfMonthSpec): string {
  switch (spec.kind) {
    case 'values':
      return listText(spec.days, CRON_FIELDS.dayOfMonth.min, CRON_FIELDS.dayOfMonth.max);
    case 'last':
      return 'L';
    case 'lastWeekday':
      return 'LW';
    case 'nearestWeekday':
      return `${spec.day}W`;
    default:
      return '*';
  }
}

/** Same numbering as EventBridge (1 = SUN) thanks to croner's `alternativeWeekdays`. */
function dowText(spec: DayOfWeekSpec): string {
  switch (spec.kind) {
    case 'values':
      return listText(spec.days, CRON_FIELDS.dayOfWeek.min, CRON_FIELDS.dayOfWeek.max);
    case 'lastOfMonth':
      return `${spec.day}L`;
    case 'nthOfMonth':
      return `${spec.day}#${spec.nth}`;
    default:
      return '*';
  }
}

const translations = new WeakMap<CronExpression, string>();

/**
 * The same schedule in croner's seven-field syntax (seconds first, year last). The name predates
 * croner (it was cron-parser's syntax) and stays for the module's public API.
 */
export function cronParserText(expr: CronExpression): string {
  let text = translations.get(expr);
  if (!text) {
    text = [
      '0',
      // Never `*`: it would make croner run named hours twice on fall-back days (see above).
      expr.minutes.join(','),
      listText(expr.hours, CRON_FIELDS.hours.min, CRON_FIELDS.hours.max),
      domText(expr.dayOfMonth),
      listText(expr.months, CRON_FIELDS.month.min, CRON_FIELDS.month.max),
      dowText(expr.dayOfWeek),
      // Never `*`: croner's years run to 9999, EventBridge's stop at 2199.
      expr.years.join(','),
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

/**
 * The day a `W` / `LW` day-of-month picks in a month; undefined when it does not fire that month.
 * croner does this itself now; kept as public API and as the tests' check on croner.
 */
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

interface Compiled {
  cron: Cron;
  /** What croner and CronDate take as the zone: a fixed offset for UTC skips Intl entirely (faster). */
  zone: string | number;
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
}

const compiled = new WeakMap<CronExpression, Map<string, Compiled>>();

function compile(expr: CronExpression, tz: string): Compiled {
  let byZone = compiled.get(expr);
  if (!byZone) compiled.set(expr, (byZone = new Map()));
  let c = byZone.get(tz);
  if (!c) {
    const zone = tz === 'UTC' || tz === 'Etc/UTC' ? 0 : tz;
    const cron = new Cron(cronParserText(expr), {
      ...(zone === 0 ? { utcOffset: 0 } : { timezone: tz }),
      mode: '7-part',
      alternativeWeekdays: true,
      domAndDow: true,
      fixedTimeRule: 'no-wildcard',
    });
    c = { cron, zone, minutes: new Set(expr.minutes), hours: new Set(expr.hours) };
    byZone.set(tz, c);
  }
  return c;
}

function cronSearch(expr: CronExpression, fromMs: number, tz: string, dir: 'next' | 'prev'): number | undefined {
  const { cron, zone, minutes, hours } = compile(expr, tz);
  let cursor = fromMs;
  for (let step = 0; step < MAX_SEARCH_STEPS; step += 1) {
    const date = dir === 'next' ? cron.nextRun(new Date(cursor)) : cron.previousRuns(1, new Date(cursor))[0];
    if (!date) return undefined;
    const t = date.getTime();
    // Spring forward: croner moves a fixed wall time in the gap (02:30) to the gap's end; EventBridge skips it.
    const local = new CronDate(date, zone);
    if (!hours.has(local.hour) || !minutes.has(local.minute)) {
      cursor = t;
      continue;
    }
    return t;
  }
  return undefined;
}
