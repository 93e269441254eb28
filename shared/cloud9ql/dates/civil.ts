/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), after Howard Hinnant's
 * public-domain "chrono-compatible low-level date algorithms". Integer maths, no Date objects: formatting
 * 100,000 timestamps stays allocation-free.
 */
export const MS_PER_DAY = 86_400_000;

export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar fields of one instant, filled in place by `fillFields`. */
export interface DateFields {
  year: number;
  month: number; // 1-12
  day: number; // 1-31
  hour: number;
  minute: number;
  second: number;
  milli: number;
  /** ISO day of week: 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /** 1-366 */
  dayOfYear: number;
  /** Offset of the zone at this instant, ms (local = utc + offset). */
  offset: number;
}

export function newFields(): DateFields {
  return { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, milli: 0, weekday: 4, dayOfYear: 1, offset: 0 };
}

/** Fills `f` with the wall-clock fields of local time `localMs` (utc + offset). */
export function fillFields(f: DateFields, localMs: number): void {
  const days = Math.floor(localMs / MS_PER_DAY);
  let rest = localMs - days * MS_PER_DAY;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  f.year = year;
  f.month = month;
  f.day = day;
  f.hour = Math.floor(rest / 3_600_000);
  rest -= f.hour * 3_600_000;
  f.minute = Math.floor(rest / 60_000);
  rest -= f.minute * 60_000;
  f.second = Math.floor(rest / 1000);
  f.milli = rest - f.second * 1000;
  // 1970-01-01 was a Thursday (ISO 4).
  f.weekday = ((((days + 3) % 7) + 7) % 7) + 1;
  f.dayOfYear = days - daysFromCivil(year, 1, 1) + 1;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Wall-clock ms of the given fields (no zone applied). */
export function wallMs(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  return daysFromCivil(y, m, d) * MS_PER_DAY + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

/** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(f: DateFields): number {
  const thursdayDoy = f.dayOfYear - f.weekday + 4;
  if (thursdayDoy < 1) {
    const prev = f.year - 1;
    const prevDays = (prev % 4 === 0 && prev % 100 !== 0) || prev % 400 === 0 ? 366 : 365;
    return Math.floor((thursdayDoy + prevDays - 1) / 7) + 1;
  }
  const yearDays = (f.year % 4 === 0 && f.year % 100 !== 0) || f.year % 400 === 0 ? 366 : 365;
  if (thursdayDoy > yearDays) return 1;
  return Math.floor((thursdayDoy - 1) / 7) + 1;
}
