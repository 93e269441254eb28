/** Calendar units: truncation ("start of"), addition and whole-unit differences, in a zone. */
import type { DurationUnit } from '../ast.ts';
import { daysInMonth, fillFields, newFields, wallMs, MS_PER_DAY } from './civil.ts';
import type { Zone } from './zone.ts';

const FIXED_MS: Partial<Record<DurationUnit, number>> = {
  ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: MS_PER_DAY, w: 7 * MS_PER_DAY,
};
const MONTHS_PER: Partial<Record<DurationUnit, number>> = { M: 1, q: 3, y: 12 };

const UNIT_WORDS: Record<string, DurationUnit> = {
  ms: 'ms', milli: 'ms', millis: 'ms', millisecond: 'ms', milliseconds: 'ms',
  s: 's', sec: 's', secs: 's', second: 's', seconds: 's',
  m: 'm', mi: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  d: 'd', day: 'd', days: 'd',
  w: 'w', wk: 'w', week: 'w', weeks: 'w',
  mo: 'M', mon: 'M', month: 'M', months: 'M',
  q: 'q', quarter: 'q', quarters: 'q',
  y: 'y', yr: 'y', year: 'y', years: 'y',
};

/** Unit of a unit word ('day', 'hours', 'M', 'mo'...); 'M' alone is months, 'm' minutes. Null if unknown. */
export function parseUnit(text: string): DurationUnit | null {
  const t = text.trim();
  if (t === 'M') return 'M';
  return UNIT_WORDS[t.toLowerCase()] ?? null;
}

/** `7d`, '12 hours', '1 month' as amount and unit; null if not a duration text. */
export function parseDurationText(text: string): { amount: number; unit: DurationUnit } | null {
  const m = /^\s*(\d+)\s*([A-Za-z]+)\s*$/.exec(text);
  if (!m) return null;
  const unit = parseUnit(m[2]!);
  return unit ? { amount: Number(m[1]), unit } : null;
}

export function addToInstant(utcMs: number, amount: number, unit: DurationUnit, zone: Zone): number {
  const fixed = FIXED_MS[unit];
  if (fixed !== undefined && (unit === 'ms' || unit === 's' || unit === 'm' || unit === 'h')) return utcMs + amount * fixed;
  const f = newFields();
  const offset = zone.offsetAt(utcMs);
  fillFields(f, utcMs + offset);
  const timeOfDay = f.hour * 3_600_000 + f.minute * 60_000 + f.second * 1000 + f.milli;
  let wall: number;
  if (fixed !== undefined) {
    // days and weeks keep the wall-clock time across DST changes
    wall = wallMs(f.year, f.month, f.day) + amount * fixed + timeOfDay;
  } else {
    const months = f.year * 12 + (f.month - 1) + amount * MONTHS_PER[unit]!;
    const year = Math.floor(months / 12);
    const month = months - year * 12 + 1;
    wall = wallMs(year, month, Math.min(f.day, daysInMonth(year, month))) + timeOfDay;
  }
  return zone.fromWall(wall);
}

export type TruncUnit = 'm' | 'h' | 'd' | 'w' | 'M' | 'q' | 'y';
/** Reused by truncate (synchronous, never re-entered): no allocation per row. */
const scratch = newFields();

/** Start of the minute/hour/day/week (Monday)/month/quarter/year holding the instant, in `zone`. */
export function truncate(utcMs: number, unit: TruncUnit, zone: Zone): number {
  const offset = zone.offsetAt(utcMs);
  const local = utcMs + offset;
  if (unit === 'm' || unit === 'h') {
    const size = unit === 'm' ? 60_000 : 3_600_000;
    return zone.fromWall(Math.floor(local / size) * size);
  }
  // Days and weeks need no calendar: 1970-01-01 (day 0) was a Thursday, 3 days after a Monday.
  const days = Math.floor(local / MS_PER_DAY);
  if (unit === 'd') return zone.fromWall(days * MS_PER_DAY);
  if (unit === 'w') return zone.fromWall((days - ((((days + 3) % 7) + 7) % 7)) * MS_PER_DAY);
  const f = scratch;
  fillFields(f, local);
  let wall: number;
  if (unit === 'M') wall = wallMs(f.year, f.month, 1);
  else if (unit === 'q') wall = wallMs(f.year, Math.floor((f.month - 1) / 3) * 3 + 1, 1);
  else wall = wallMs(f.year, 1, 1);
  return zone.fromWall(wall);
}

/** Whole units between two instants (a - b), truncated toward zero. */
export function unitsBetween(a: number, b: number, unitMs: number): number {
  return Math.trunc((a - b) / unitMs);
}
