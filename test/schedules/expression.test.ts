/**
 * The EventBridge expression parser and next-run computation: table-driven rejections (each must
 * name `schedule` and say what is wrong), rates, cron in UTC and in zones with DST, the day specials
 * (L, LW, nW, nL, n#k), the year field, and a property test against a brute-force minute walker.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors.ts';
import {
  countRunsBetween,
  latestRunAtOrBefore,
  nextRunAfter,
  parseScheduleExpression,
  validateTimezone,
  weekdayTarget,
  type ScheduleExpression,
} from '../../shared/schedules/expression/index.ts';

const UTC = { timezone: 'UTC', anchorMs: 0 };
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function runs(source: string, fromIso: string, count: number, timezone = 'UTC'): Array<string | undefined> {
  const expr = parseScheduleExpression(source);
  const out: Array<string | undefined> = [];
  let t = Date.parse(fromIso);
  for (let i = 0; i < count; i += 1) {
    const next = nextRunAfter(expr, t, { timezone, anchorMs: 0 });
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

function rejection(source: string): ValidationError {
  try {
    parseScheduleExpression(source);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`${source} was accepted`);
}

describe('parseScheduleExpression rejects what EventBridge rejects, naming the problem', () => {
  it.each([
    ['rate(0 minutes)', /positive whole number/],
    ['rate(-5 minutes)', /positive whole number/],
    ['rate(1.5 hours)', /positive whole number/],
    ['rate(1 minutes)', /singular for a value of 1: write rate\(1 minute\)/],
    ['rate(1 hours)', /write rate\(1 hour\)/],
    ['rate(5 minute)', /plural for values above 1: write rate\(5 minutes\)/],
    ['rate(2 day)', /write rate\(2 days\)/],
    ['rate(5 weeks)', /unit 'weeks' is unknown/],
    ['rate(5 seconds)', /unit 'seconds' is unknown/],
    ['rate(5 Minutes)', /unit 'Minutes' is unknown/],
    ['rate(5  minutes)', /a value, one space, a unit/],
    ['rate(minutes)', /a value, one space, a unit/],
    ['rate()', /a value, one space, a unit/],
    ['rate(5000000 minutes)', /larger than/],
    ['every 5 minutes', /expected rate\(value unit\) or cron\(/],
    ['RATE(5 minutes)', /expected rate\(value unit\) or cron\(/],
    [' rate(5 minutes)', /expected rate\(value unit\) or cron\(/],
    ['cron(0 8 * * *)', /six fields .* got 5/],
    ['cron(0 8 * * ? * *)', /six fields .* got 7/],
    ['cron()', /six fields .* got 0/],
    ['cron(0 8 * * 1 *)', /cannot both be set: one of them must be '\?'/],
    ['cron(0 8 * * * *)', /cannot both be set/],
    ['cron(0 8 ? * ? *)', /cannot both be '\?'/],
    ['cron(60 8 * * ? *)', /minutes value '60' is out of range/],
    ['cron(0 24 * * ? *)', /hours value '24' is out of range/],
    ['cron(0 8 0 * ? *)', /day-of-month value '0' is out of range/],
    ['cron(0 8 32 * ? *)', /day-of-month value '32' is out of range/],
    ['cron(0 8 * 13 ? *)', /month value '13' is out of range/],
    ['cron(0 8 * FOO ? *)', /month value 'FOO' is not a number or a name/],
    ['cron(0 8 ? * 0 *)', /day-of-week value '0' is out of range \(allowed: 1-7 or SUN-SAT/],
    ['cron(0 8 ? * 8 *)', /day-of-week value '8' is out of range/],
    ['cron(0 8 ? * FUNDAY *)', /day-of-week value 'FUNDAY' is not a number or a name/],
    ['cron(0 8 * * ? 1969)', /year value '1969' is out of range/],
    ['cron(0 8 * * ? 2200)', /year value '2200' is out of range/],
    ['cron(5-1 8 * * ? *)', /range '5-1' runs backwards/],
    ['cron(*/0 8 * * ? *)', /increment in '\*\/0' must be a whole number from 1/],
    ['cron(0/61 8 * * ? *)', /increment in '0\/61'/],
    ['cron(0 ? * * ? *)', /hours does not allow '\?'/],
    ['cron(0,,5 8 * * ? *)', /has an empty item/],
    ['cron(0 8 W * ? *)', /day-of-month 'W' is not valid/],
    ['cron(0 8 1,L * ? *)', /day-of-month '1,L' is not valid/],
    ['cron(0 8 L-2 * ? *)', /day-of-month 'L-2' is not valid/],
    ['cron(0 8 ? * 2#6 *)', /occurrence after '#' must be 1-5/],
    ['cron(0 8 ? * 2#0 *)', /occurrence after '#' must be 1-5/],
    ['cron(0 8 ? * 1,2#1 *)', /n#k .* must stand alone/],
    ['cron(0 8 ? * 9L *)', /day-of-week value '9' is out of range/],
  ])('%s', (source, message) => {
    const err = rejection(source);
    expect(err.field).toBe('schedule');
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/^Invalid schedule: /);
    expect(err.message).toMatch(message);
  });
});

describe('parseScheduleExpression accepts the documented forms', () => {
  it('reads rates with their interval', () => {
    expect(parseScheduleExpression('rate(1 minute)')).toMatchObject({ kind: 'rate', value: 1, unit: 'minute', intervalMs: 60_000 });
    expect(parseScheduleExpression('rate(15 minutes)')).toMatchObject({ intervalMs: 15 * 60_000 });
    expect(parseScheduleExpression('rate(1 hour)')).toMatchObject({ unit: 'hour', intervalMs: 3_600_000 });
    expect(parseScheduleExpression('rate(7 days)')).toMatchObject({ unit: 'day', intervalMs: 7 * 86_400_000 });
  });

  it('expands lists, ranges, increments and names', () => {
    const e = parseScheduleExpression('cron(0/15 8-10,22 ? JAN-MAR,dec mon-fri 2025-2027)');
    expect(e).toMatchObject({
      kind: 'cron',
      minutes: [0, 15, 30, 45],
      hours: [8, 9, 10, 22],
      dayOfMonth: { kind: 'any' },
      months: [1, 2, 3, 12],
      dayOfWeek: { kind: 'values', days: [2, 3, 4, 5, 6] },
      years: [2025, 2026, 2027],
    });
    expect(parseScheduleExpression('cron(*/20 5/6 1-10/3 * ? *)')).toMatchObject({
      minutes: [0, 20, 40],
      hours: [5, 11, 17, 23],
      dayOfMonth: { kind: 'values', days: [1, 4, 7, 10] },
    });
  });

  it('reads the day specials', () => {
    expect(parseScheduleExpression('cron(0 0 L * ? *)')).toMatchObject({ dayOfMonth: { kind: 'last' } });
    expect(parseScheduleExpression('cron(0 0 LW * ? *)')).toMatchObject({ dayOfMonth: { kind: 'lastWeekday' } });
    expect(parseScheduleExpression('cron(0 0 15W * ? *)')).toMatchObject({ dayOfMonth: { kind: 'nearestWeekday', day: 15 } });
    expect(parseScheduleExpression('cron(0 0 ? * L *)')).toMatchObject({ dayOfWeek: { kind: 'values', days: [7] } });
    expect(parseScheduleExpression('cron(0 0 ? * 6L *)')).toMatchObject({ dayOfWeek: { kind: 'lastOfMonth', day: 6 } });
    expect(parseScheduleExpression('cron(0 0 ? * FRIL *)')).toMatchObject({ dayOfWeek: { kind: 'lastOfMonth', day: 6 } });
    expect(parseScheduleExpression('cron(0 0 ? * 3#2 *)')).toMatchObject({ dayOfWeek: { kind: 'nthOfMonth', day: 3, nth: 2 } });
    expect(parseScheduleExpression('cron(0 0 ? * MON#1 *)')).toMatchObject({ dayOfWeek: { kind: 'nthOfMonth', day: 2, nth: 1 } });
  });
});

describe('rate schedules', () => {
  const expr = parseScheduleExpression('rate(15 minutes)');
  const anchorMs = Date.parse('2025-03-01T10:07:00Z');
  const ctx = { timezone: 'UTC', anchorMs };

  it('first run one interval after the anchor, then every interval', () => {
    expect(iso(nextRunAfter(expr, anchorMs, ctx))).toBe('2025-03-01T10:22:00.000Z');
    expect(iso(nextRunAfter(expr, anchorMs - 3_600_000, ctx))).toBe('2025-03-01T10:22:00.000Z');
    expect(iso(nextRunAfter(expr, Date.parse('2025-03-01T10:22:00Z'), ctx))).toBe('2025-03-01T10:37:00.000Z');
    expect(iso(nextRunAfter(expr, Date.parse('2025-03-01T12:00:00Z'), ctx))).toBe('2025-03-01T12:07:00.000Z');
  });

  it('latest run at or before a time, none before the first', () => {
    expect(latestRunAtOrBefore(expr, Date.parse('2025-03-01T10:21:59Z'), ctx)).toBeUndefined();
    expect(iso(latestRunAtOrBefore(expr, Date.parse('2025-03-01T10:22:00Z'), ctx))).toBe('2025-03-01T10:22:00.000Z');
    expect(iso(latestRunAtOrBefore(expr, Date.parse('2025-03-02T00:00:00Z'), ctx))).toBe('2025-03-01T23:52:00.000Z');
  });

  it('counts runs in a window', () => {
    expect(countRunsBetween(expr, Date.parse('2025-03-01T10:22:00Z'), Date.parse('2025-03-01T11:22:00Z'), ctx)).toBe(4);
    expect(countRunsBetween(expr, Date.parse('2025-03-01T10:22:00Z'), Date.parse('2025-03-01T10:22:00Z'), ctx)).toBe(0);
    expect(countRunsBetween(expr, Date.parse('2025-03-01T10:22:00Z'), Date.parse('2025-03-08T10:22:00Z'), ctx, 100)).toBe(100);
  });

  it('ignores the time zone', () => {
    expect(nextRunAfter(expr, anchorMs, { timezone: 'Asia/Tokyo', anchorMs })).toBe(nextRunAfter(expr, anchorMs, ctx));
  });
});

describe('cron schedules', () => {
  it('runs daily at 08:00 UTC', () => {
    expect(runs('cron(0 8 * * ? *)', '2025-01-01T08:00:00Z', 3)).toEqual([
      '2025-01-02T08:00:00.000Z',
      '2025-01-03T08:00:00.000Z',
      '2025-01-04T08:00:00.000Z',
    ]);
  });

  it('runs on weekdays only with MON-FRI', () => {
    expect(runs('cron(30 9 ? * MON-FRI *)', '2025-01-03T10:00:00Z', 3)).toEqual([
      '2025-01-06T09:30:00.000Z',
      '2025-01-07T09:30:00.000Z',
      '2025-01-08T09:30:00.000Z',
    ]);
  });

  it('reads wall-clock times in the schedule time zone, across DST changes', () => {
    // Berlin: UTC+1 in winter, UTC+2 from 2025-03-30.
    expect(runs('cron(0 9 * * ? *)', '2025-03-28T12:00:00Z', 3, 'Europe/Berlin')).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
    expect(runs('cron(0 9 * * ? *)', '2025-01-01T00:00:00Z', 1, 'Asia/Kolkata')).toEqual(['2025-01-01T03:30:00.000Z']);
  });

  it('skips a wall time that does not exist on a spring-forward day (EventBridge rule)', () => {
    // New York, 2024-03-10: 02:00 -> 03:00, so 02:30 does not happen that day.
    expect(runs('cron(30 2 * * ? *)', '2024-03-08T12:00:00Z', 3, 'America/New_York')).toEqual([
      '2024-03-09T07:30:00.000Z',
      '2024-03-11T06:30:00.000Z',
      '2024-03-12T06:30:00.000Z',
    ]);
  });

  it('runs a named wall time once on a fall-back day', () => {
    // New York, 2024-11-03: 01:00-02:00 happens twice; 01:30 runs once (the first, EDT).
    expect(runs('cron(30 1 * * ? *)', '2024-11-02T12:00:00Z', 3, 'America/New_York')).toEqual([
      '2024-11-03T05:30:00.000Z',
      '2024-11-04T06:30:00.000Z',
      '2024-11-05T06:30:00.000Z',
    ]);
  });

  it('L: the last day of each month, leap years included', () => {
    expect(runs('cron(0 0 L * ? *)', '2024-01-15T00:00:00Z', 3)).toEqual([
      '2024-01-31T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-31T00:00:00.000Z',
    ]);
  });

  it('nW: the weekday nearest day n, never leaving the month', () => {
    // 2024-06-15 is a Saturday -> Friday 14th; 2024-09-15 is a Sunday -> Monday 16th.
    expect(runs('cron(0 0 15W * ? *)', '2024-06-01T00:00:00Z', 1)).toEqual(['2024-06-14T00:00:00.000Z']);
    expect(runs('cron(0 0 15W * ? *)', '2024-09-01T00:00:00Z', 1)).toEqual(['2024-09-16T00:00:00.000Z']);
    // 2024-06-01 is a Saturday: 1W is Monday the 3rd, not Friday May 31st.
    expect(runs('cron(0 0 1W * ? *)', '2024-05-31T12:00:00Z', 1)).toEqual(['2024-06-03T00:00:00.000Z']);
    // 31W fires only in months with 31 days.
    expect(runs('cron(0 0 31W * ? *)', '2024-04-01T00:00:00Z', 2)).toEqual(['2024-05-31T00:00:00.000Z', '2024-07-31T00:00:00.000Z']);
  });

  it('LW: the last weekday of the month', () => {
    // 2024-03-31 is a Sunday -> Friday 29th; 2024-06-30 a Sunday -> Friday 28th.
    expect(runs('cron(0 18 LW * ? *)', '2024-03-01T00:00:00Z', 4)).toEqual([
      '2024-03-29T18:00:00.000Z',
      '2024-04-30T18:00:00.000Z',
      '2024-05-31T18:00:00.000Z',
      '2024-06-28T18:00:00.000Z',
    ]);
  });

  it('nL, n#k and L in day-of-week (1 = SUN)', () => {
    expect(runs('cron(0 0 ? * 6L *)', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-26T00:00:00.000Z', '2024-02-23T00:00:00.000Z']);
    expect(runs('cron(0 0 ? * 3#2 *)', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-09T00:00:00.000Z', '2024-02-13T00:00:00.000Z']);
    expect(runs('cron(0 0 ? * L *)', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-01-06T00:00:00.000Z', '2024-01-13T00:00:00.000Z']);
    expect(runs('cron(0 0 ? * 1 *)', '2024-01-01T00:00:00Z', 1)).toEqual(['2024-01-07T00:00:00.000Z']);
  });

  it('the year field: only listed years, then no more runs', () => {
    expect(runs('cron(0 12 1 JAN ? 2026,2028)', '2024-06-01T00:00:00Z', 3)).toEqual([
      '2026-01-01T12:00:00.000Z',
      '2028-01-01T12:00:00.000Z',
      undefined,
    ]);
    expect(runs('cron(0 12 1 JAN ? 2020)', '2024-06-01T00:00:00Z', 1)).toEqual([undefined]);
    expect(runs('cron(0 0 1 1 ? 2025-2026)', '2025-06-01T00:00:00Z', 2)).toEqual(['2026-01-01T00:00:00.000Z', undefined]);
    // In a zone east of UTC, local New Year comes before UTC's.
    expect(runs('cron(0 0 1 1 ? 2027)', '2025-06-01T00:00:00Z', 1, 'Asia/Tokyo')).toEqual(['2026-12-31T15:00:00.000Z']);
  });

  it('a day that never exists means no run', () => {
    expect(runs('cron(0 0 30 2 ? *)', '2024-01-01T00:00:00Z', 1)).toEqual([undefined]);
  });

  it('latest run at or before a time includes that time', () => {
    const e = parseScheduleExpression('cron(0 8 * * ? *)');
    expect(iso(latestRunAtOrBefore(e, Date.parse('2025-01-05T08:00:00Z'), UTC))).toBe('2025-01-05T08:00:00.000Z');
    expect(iso(latestRunAtOrBefore(e, Date.parse('2025-01-05T07:59:59Z'), UTC))).toBe('2025-01-04T08:00:00.000Z');
    const w = parseScheduleExpression('cron(0 0 15W * ? *)');
    expect(iso(latestRunAtOrBefore(w, Date.parse('2024-06-20T00:00:00Z'), UTC))).toBe('2024-06-14T00:00:00.000Z');
    const y = parseScheduleExpression('cron(0 12 1 JAN ? 2026,2028)');
    expect(iso(latestRunAtOrBefore(y, Date.parse('2027-06-20T00:00:00Z'), UTC))).toBe('2026-01-01T12:00:00.000Z');
    expect(latestRunAtOrBefore(y, Date.parse('2025-06-20T00:00:00Z'), UTC)).toBeUndefined();
  });
});

describe('cron edges where croner and EventBridge could disagree', () => {
  const at = (source: string, atIso: string, timezone = 'UTC') =>
    iso(latestRunAtOrBefore(parseScheduleExpression(source), Date.parse(atIso), { timezone, anchorMs: 0 }));

  it('skips wall times in a spring-forward gap that croner would move to the end of the gap', () => {
    // Santiago, 2024-09-08: midnight does not exist (00:00 -> 01:00).
    expect(runs('cron(30 0 * * ? *)', '2024-09-06T00:00:00Z', 3, 'America/Santiago')).toEqual([
      '2024-09-06T04:30:00.000Z',
      '2024-09-07T04:30:00.000Z',
      '2024-09-09T03:30:00.000Z',
    ]);
    // ... also when that day is the one the day-of-week special picks (2nd Sunday of September 2024).
    expect(runs('cron(0 0 ? * 1#2 *)', '2024-08-20T00:00:00Z', 2, 'America/Santiago')).toEqual(['2024-10-13T03:00:00.000Z', '2024-11-10T03:00:00.000Z']);
    // London, 2025-03-30: 01:00 -> 02:00.
    expect(runs('cron(30 1 * * ? *)', '2025-03-29T12:00:00Z', 2, 'Europe/London')).toEqual(['2025-03-31T00:30:00.000Z', '2025-04-01T00:30:00.000Z']);
    // Lord Howe moves by 30 minutes (2024-10-06: 02:00 -> 02:30): 02:15 is skipped, 02:45 runs.
    expect(runs('cron(15 2 * * ? *)', '2024-10-04T12:00:00Z', 3, 'Australia/Lord_Howe')).toEqual([
      '2024-10-04T15:45:00.000Z',
      '2024-10-06T15:15:00.000Z',
      '2024-10-07T15:15:00.000Z',
    ]);
    expect(runs('cron(45 2 * * ? *)', '2024-10-04T12:00:00Z', 3, 'Australia/Lord_Howe')).toEqual([
      '2024-10-04T16:15:00.000Z',
      '2024-10-05T15:45:00.000Z',
      '2024-10-06T15:45:00.000Z',
    ]);
  });

  it('fall back: named hours run once (lists too), every-hour schedules run in both passes', () => {
    // Lord Howe, 2024-04-07: 02:00 -> 01:30, so 01:45 happens twice; it runs at the first.
    expect(runs('cron(45 1 * * ? *)', '2024-04-05T12:00:00Z', 3, 'Australia/Lord_Howe')).toEqual([
      '2024-04-05T14:45:00.000Z',
      '2024-04-06T14:45:00.000Z',
      '2024-04-07T15:15:00.000Z',
    ]);
    // New York, 2024-11-03 (01:00-02:00 twice). A list of hours is named wall times: 01:30 once.
    expect(runs('cron(30 1,2 * * ? *)', '2024-11-03T04:00:00Z', 3, 'America/New_York')).toEqual([
      '2024-11-03T05:30:00.000Z',
      '2024-11-03T07:30:00.000Z',
      '2024-11-04T06:30:00.000Z',
    ]);
    // Hours `*`: the repeated hour runs again, as wall time passes.
    expect(runs('cron(0,30 * * * ? *)', '2024-11-03T04:45:00Z', 5, 'America/New_York')).toEqual([
      '2024-11-03T05:00:00.000Z',
      '2024-11-03T05:30:00.000Z',
      '2024-11-03T06:00:00.000Z',
      '2024-11-03T06:30:00.000Z',
      '2024-11-03T07:00:00.000Z',
    ]);
    const e = parseScheduleExpression('cron(0,30 * * * ? *)');
    expect(countRunsBetween(e, Date.parse('2024-11-03T04:00:00Z'), Date.parse('2024-11-03T08:00:00Z'), { timezone: 'America/New_York', anchorMs: 0 })).toBe(8);
    const once = parseScheduleExpression('cron(30 1 * * ? *)');
    expect(countRunsBetween(once, Date.parse('2024-11-02T00:00:00Z'), Date.parse('2024-11-05T00:00:00Z'), { timezone: 'America/New_York', anchorMs: 0 })).toBe(3);
  });

  it('fall back: the one run of a named wall time is the same whichever way and from wherever it is searched', () => {
    // 01:30 EST (06:30Z, second pass) is not a run: not from inside the second pass, not looking back.
    expect(runs('cron(30 1 * * ? *)', '2024-11-03T06:10:00Z', 1, 'America/New_York')).toEqual(['2024-11-04T06:30:00.000Z']);
    expect(at('cron(30 1 * * ? *)', '2024-11-03T06:45:00Z', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    // Havana falls back at 01:00 -> 00:00, so midnight repeats: the first (CDT) midnight runs.
    expect(runs('cron(0 0 * * ? *)', '2026-10-31T12:00:00Z', 2, 'America/Havana')).toEqual(['2026-11-01T04:00:00.000Z', '2026-11-02T05:00:00.000Z']);
    expect(at('cron(0 0 * * ? *)', '2026-11-01T12:00:00Z', 'America/Havana')).toBe('2026-11-01T04:00:00.000Z');
    // Berlin, 2023-10-29 (02:00-03:00 twice), last Sunday of October.
    expect(at('cron(37 1,2 ? * 1L *)', '2023-10-31T20:03:00Z', 'Europe/Berlin')).toBe('2023-10-29T00:37:00.000Z');
  });

  it('29 February: leap years only, and 2100 is not one', () => {
    expect(runs('cron(0 12 29 2 ? *)', '2025-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z']);
    expect(at('cron(0 12 29 2 ? *)', '2027-06-01T00:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
    expect(runs('cron(0 12 29 2 ? 2100-2103)', '2025-01-01T00:00:00Z', 1)).toEqual([undefined]);
  });

  it('year boundaries: local New Year, the last allowed year, and 2199 as the end of time', () => {
    expect(runs('cron(59 23 31 12 ? 2025)', '2025-06-01T00:00:00Z', 2, 'America/New_York')).toEqual(['2026-01-01T04:59:00.000Z', undefined]);
    expect(at('cron(59 23 31 12 ? 2025)', '2030-01-01T00:00:00Z', 'America/New_York')).toBe('2026-01-01T04:59:00.000Z');
    // croner's own years go on to 9999; EventBridge's stop at 2199.
    expect(runs('cron(0 0 31 12 ? *)', '2199-06-01T00:00:00Z', 2)).toEqual(['2199-12-31T00:00:00.000Z', undefined]);
    // A fifth Sunday exists in four months of 2025, then the year runs out.
    expect(runs('cron(0 0 ? * 1#5 2025)', '2025-01-01T00:00:00Z', 5)).toEqual([
      '2025-03-30T00:00:00.000Z',
      '2025-06-29T00:00:00.000Z',
      '2025-08-31T00:00:00.000Z',
      '2025-11-30T00:00:00.000Z',
      undefined,
    ]);
  });

  it('nL and LW in a zone: the local calendar decides', () => {
    expect(runs('cron(0 0 ? * 7L *)', '2024-12-01T00:00:00Z', 2, 'Asia/Tokyo')).toEqual(['2024-12-27T15:00:00.000Z', '2025-01-24T15:00:00.000Z']);
    expect(runs('cron(0 9 LW * ? *)', '2024-10-01T00:00:00Z', 3, 'America/New_York')).toEqual([
      '2024-10-31T13:00:00.000Z',
      '2024-11-29T14:00:00.000Z',
      '2024-12-31T14:00:00.000Z',
    ]);
  });

  it('W and LW pick the same day as weekdayTarget in every month 2024-2027', () => {
    for (const source of ['cron(0 0 1W * ? *)', 'cron(0 0 15W * ? *)', 'cron(0 0 30W * ? *)', 'cron(0 0 31W * ? *)', 'cron(0 0 LW * ? *)']) {
      const e = parseScheduleExpression(source) as Extract<ScheduleExpression, { kind: 'cron' }>;
      for (let year = 2024; year <= 2027; year += 1) {
        for (let month1 = 1; month1 <= 12; month1 += 1) {
          const next = nextRunAfter(e, Date.UTC(year, month1 - 1, 1) - 1, UTC);
          const target = weekdayTarget(e.dayOfMonth, year, month1);
          const inMonth = next !== undefined && new Date(next).getUTCMonth() === month1 - 1 ? new Date(next).getUTCDate() : undefined;
          expect(inMonth, `${source} ${year}-${month1}`).toBe(target);
        }
      }
    }
  });
});

describe('next run agrees with a brute-force minute walker (UTC, lists/ranges/steps)', () => {
  /** The oracle: walk minute by minute and test each field directly (no cron library). */
  function bruteNext(e: Extract<ScheduleExpression, { kind: 'cron' }>, afterMs: number, limitMinutes: number): number | undefined {
    let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    for (let i = 0; i < limitMinutes; i += 1, t += 60_000) {
      const d = new Date(t);
      if (!e.years.includes(d.getUTCFullYear()) || !e.months.includes(d.getUTCMonth() + 1)) continue;
      if (!e.hours.includes(d.getUTCHours()) || !e.minutes.includes(d.getUTCMinutes())) continue;
      const dayOk =
        e.dayOfMonth.kind === 'values'
          ? e.dayOfMonth.days.includes(d.getUTCDate())
          : e.dayOfWeek.kind === 'values'
            ? e.dayOfWeek.days.includes(d.getUTCDay() + 1)
            : true;
      if (dayOk) return t;
    }
    return undefined;
  }

  const list = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.uniqueArray(fc.integer({ min, max }), { minLength: 1, maxLength: 4 }).map((a) => a.join(',')),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max: Math.max(1, Math.floor((max - min) / 2)) })).map(([a, s]) => `${a}/${s}`),
    );

  it('for random expressions and start times', () => {
    fc.assert(
      fc.property(
        list(0, 59),
        list(0, 23),
        fc.boolean(),
        list(1, 28),
        list(1, 12),
        list(1, 7),
        fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') }),
        (min, hour, useDom, dom, month, dow, start) => {
          const source = `cron(${min} ${hour} ${useDom ? dom : '?'} ${month} ${useDom ? '?' : dow} *)`;
          const e = parseScheduleExpression(source) as Extract<ScheduleExpression, { kind: 'cron' }>;
          const expected = bruteNext(e, start, 2 * 366 * 1440);
          const actual = nextRunAfter(e, start, UTC);
          if (expected !== undefined) expect(iso(actual), source).toBe(iso(expected));
          if (actual !== undefined) {
            expect(actual).toBeGreaterThan(start);
            expect(latestRunAtOrBefore(e, actual, UTC)).toBe(actual);
          }
        },
      ),
      { numRuns: 60, seed: 20250101 },
    );
  });
});

describe('validateTimezone', () => {
  it.each(['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(validateTimezone(zone)).toBeTruthy();
  });

  it.each(['Mars/Olympus', 'Europe/Berln', '+02:00', '', 'UTC; drop table', 'x'.repeat(80)])('rejects %s naming timezone', (zone) => {
    expect(() => validateTimezone(zone)).toThrow(ValidationError);
    try {
      validateTimezone(zone);
    } catch (err) {
      expect((err as ValidationError).field).toBe('timezone');
      expect((err as ValidationError).message).toMatch(/not an IANA time zone name/);
    }
  });
});
