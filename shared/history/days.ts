/**
 * Calendar days as `YYYY-MM-DD` strings in UTC, and the periods (ISO weeks starting Monday,
 * calendar months) the history report rolls them up into. Strings sort like the days they name,
 * which is what DynamoDB sort keys need.
 */
export type Day = string;
export type Granularity = 'day' | 'week' | 'month';

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isDay(value: string): boolean {
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function dayOf(epochMs: number): Day {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Epoch ms of the day's 00:00 UTC. */
export function dayStartMs(day: Day): number {
  if (!isDay(day)) throw new RangeError(`Not a calendar day: ${day}`);
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: Day, n: number): Day {
  return dayOf(dayStartMs(day) + n * DAY_MS);
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((dayStartMs(b) - dayStartMs(a)) / DAY_MS);
}

/** Every day from `from` to `to`, both included. */
export function eachDay(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The period a day belongs to: its first day (the day itself, the ISO week's Monday, the month's 1st). */
export function periodStart(day: Day, granularity: Granularity): Day {
  if (granularity === 'day') return day;
  if (granularity === 'month') return `${day.slice(0, 7)}-01`;
  const weekday = (new Date(dayStartMs(day)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}

/** The last day of the period starting at `start`. */
export function periodEnd(start: Day, granularity: Granularity): Day {
  if (granularity === 'day') return start;
  if (granularity === 'week') return addDays(start, 6);
  const d = new Date(dayStartMs(start));
  return dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY_MS);
}

export interface Period {
  /** Human label: the day, `2024-W23`, or `2024-06`. */
  label: string;
  /** First and last calendar day of the period (may extend beyond the report's from/to). */
  start: Day;
  end: Day;
}

export function periodLabel(start: Day, granularity: Granularity): string {
  if (granularity === 'day') return start;
  if (granularity === 'month') return start.slice(0, 7);
  // ISO week number: the week belongs to the year of its Thursday.
  const thursday = new Date(dayStartMs(addDays(start, 3)));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The periods that intersect [from, to], in order. */
export function periodsCovering(from: Day, to: Day, granularity: Granularity): Period[] {
  const out: Period[] = [];
  for (let start = periodStart(from, granularity); start <= to; start = addDays(periodEnd(start, granularity), 1)) {
    out.push({ label: periodLabel(start, granularity), start, end: periodEnd(start, granularity) });
  }
  return out;
}
