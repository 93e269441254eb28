import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { NOW, now } from './fixtures.ts';

const value = (expr: string, row: Record<string, unknown> = {}) => runCloud9QL(`select ${expr} as v`, [row], { now })[0]!.v;

// 2024-01-01T00:00:00Z as TikTok's create_time (seconds).
const ct = { create_time: 1704067200 };
// Sunday 2024-03-10 13:45:30.123 UTC
const t = { t: Date.UTC(2024, 2, 10, 13, 45, 30, 123) };

describe('reading dates', () => {
  it('numbers are epoch seconds below 1e11, milliseconds above', () => {
    expect(value("date_format(create_time*1000, 'yyyy-MM-dd')", ct)).toBe('2024-01-01');
    expect(value("date_format(create_time, 'yyyy-MM-dd')", ct)).toBe('2024-01-01');
  });
  it.each([
    ['2024-03-10'],
    ['2024-03-10 13:45:30'],
    ['2024-03-10T13:45:30Z'],
    ['2024-03-10T15:45:30+02:00'],
    ['2024-03-10T13:45:30.000Z'],
    ['2024/03/10 13:45:30'],
    ['03/10/2024 1:45:30 PM'],
    ['10 Mar 2024 13:45:30'],
    ['Sun, 10 Mar 2024 13:45:30 GMT'],
    ['March 10, 2024 13:45:30'],
  ])('parses %s', (text) => {
    expect(value("date_format(d, 'yyyy-MM-dd')", { d: text })).toBe('2024-03-10');
  });
  it('text that is not a date gives null', () => {
    expect(value("date_format(d, 'yyyy')", { d: 'yesterday-ish' })).toBeNull();
    expect(value("date_format(d, 'yyyy')", { d: '2024-13-01' })).toBeNull();
  });
});

describe('date_format (Java patterns)', () => {
  it.each([
    ['yyyy-MM-dd HH:mm:ss', '2024-03-10 13:45:30'],
    ['yyyy-MM-dd HH:mm:ss.SSS', '2024-03-10 13:45:30.123'],
    ['yy/M/d', '24/3/10'],
    ['MMM d, yyyy', 'Mar 10, 2024'],
    ['MMMM', 'March'],
    ['EEE EEEE', 'Sun Sunday'],
    ['h:mm a', '1:45 PM'],
    ['hh:mm a', '01:45 PM'],
    ['D', '70'],
    ['w', '10'],
    ["'Week' w 'of' yyyy", 'Week 10 of 2024'],
    ["HH 'o''clock'", "13 o'clock"],
    ['Z', '+0000'],
    ['XXX', 'Z'],
    ['G yyyy', 'AD 2024'],
    ['k K', '13 1'],
  ])('%s -> %s', (pattern, expected) => {
    expect(value(`date_format(t, '${pattern.replace(/'/g, "''")}')`, t)).toBe(expected);
  });
  it('formats in a time zone: IANA names and fixed offsets, DST included', () => {
    expect(value("date_format(t, 'yyyy-MM-dd HH:mm z', 'America/New_York')", t)).toBe('2024-03-10 09:45 EDT');
    expect(value("date_format(t, 'yyyy-MM-dd HH:mm XXX', 'America/New_York')", { t: Date.UTC(2024, 0, 10, 13, 45) })).toBe('2024-01-10 08:45 -05:00');
    expect(value("date_format(t, 'HH:mm Z', '+05:30')", t)).toBe('19:15 +0530');
    expect(value("date_format(t, 'yyyy-MM-dd', 'Asia/Tokyo')", { t: Date.UTC(2024, 2, 10, 20) })).toBe('2024-03-11');
  });
  it('rejects unknown pattern letters and unknown zones', () => {
    expect(() => value("date_format(t, 'yyyy-bb')", t)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('unknown letter "b"') }));
    expect(() => value("date_format(t, 'yyyy', 'Mars/Olympus')", t)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringContaining('Mars/Olympus') }));
  });
  it('null date gives null', () => {
    expect(value("date_format(x, 'yyyy')", {})).toBeNull();
  });
});

describe('str_to_date', () => {
  it.each([
    ['10/03/2024', 'dd/MM/yyyy', '2024-03-10T00:00:00.000Z'],
    ['20240310', 'yyyyMMdd', '2024-03-10T00:00:00.000Z'],
    ['Mar 10, 2024 1:45 PM', 'MMM d, yyyy h:mm a', '2024-03-10T13:45:00.000Z'],
    ['2024-03-10 13:45:30.5', 'yyyy-MM-dd HH:mm:ss.S', '2024-03-10T13:45:30.500Z'],
    ['2024-03-10 13:45 +0200', 'yyyy-MM-dd HH:mm Z', '2024-03-10T11:45:00.000Z'],
    ['10-Mar-24', 'dd-MMM-yy', '2024-03-10T00:00:00.000Z'],
  ])('%s with %s', (text, pattern, iso) => {
    expect(value(`str_to_date('${text}', '${pattern}')`)).toBe(iso);
  });
  it('reads text in the given zone', () => {
    expect(value("str_to_date('2024-07-01 09:00', 'yyyy-MM-dd HH:mm', 'America/New_York')")).toBe('2024-07-01T13:00:00.000Z');
  });
  it('text that does not match gives null', () => {
    expect(value("str_to_date('not a date', 'yyyy-MM-dd')")).toBeNull();
  });
});

describe('truncation and parts', () => {
  it.each([
    ['date', '2024-03-10T00:00:00.000Z'],
    ['week', '2024-03-04T00:00:00.000Z'],
    ['month', '2024-03-01T00:00:00.000Z'],
    ['quarter', '2024-01-01T00:00:00.000Z'],
    ['year', '2024-01-01T00:00:00.000Z'],
    ['hour', '2024-03-10T13:00:00.000Z'],
    ['minute', '2024-03-10T13:45:00.000Z'],
  ])('%s(t)', (fn, iso) => {
    expect(value(`${fn}(t)`, t)).toBe(iso);
  });
  it('truncates in a time zone', () => {
    expect(value("date(t, 'America/New_York')", { t: Date.UTC(2024, 2, 10, 3) })).toBe('2024-03-09T05:00:00.000Z');
    expect(value("week(t, 'Europe/Paris')", t)).toBe('2024-03-03T23:00:00.000Z');
  });
  it('day_of_week (ISO: Monday 1 ... Sunday 7) and day_of_month', () => {
    expect(value('day_of_week(t)', t)).toBe(7);
    expect(value("day_of_week('2024-03-11')")).toBe(1);
    expect(value('day_of_month(t)', t)).toBe(10);
  });
  it('epoch_secs, epoch_millis', () => {
    expect(value("epoch_secs('2024-01-01T00:00:00Z')")).toBe(1704067200);
    expect(value('epoch_millis(create_time)', ct)).toBe(1704067200000);
  });
  it('days/hours/minutes deltas are whole units of d1 - d2, truncated', () => {
    expect(value("days_delta('2024-03-10 12:00', '2024-03-01')")).toBe(9);
    expect(value("days_delta('2024-03-01', '2024-03-10 12:00')")).toBe(-9);
    expect(value("hours_delta('2024-03-10 12:30', '2024-03-10 10:00')")).toBe(2);
    expect(value("minutes_delta('2024-03-10 12:30', '2024-03-10 10:00')")).toBe(150);
  });
  it('date_add with unit words and letters, month ends clamped', () => {
    expect(value("date_add('2024-01-31', 1, 'month')")).toBe('2024-02-29T00:00:00.000Z');
    expect(value("date_add('2024-01-31', -2, 'd')")).toBe('2024-01-29T00:00:00.000Z');
    expect(value("date_add('2024-01-01 10:00', 90, 'minutes')")).toBe('2024-01-01T11:30:00.000Z');
    expect(value("date_add('2024-02-29', 1, 'year')")).toBe('2025-02-28T00:00:00.000Z');
    // 12:00 UTC is 07:00 EST; a day later the wall clock stays 07:00, now EDT (UTC-4).
    expect(value("date_add('2024-03-09 12:00', 1, 'day', 'America/New_York')")).toBe('2024-03-10T11:00:00.000Z');
    expect(() => value("date_add('2024-01-01', 1, 'fortnight')")).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('now() and $c9_ tokens (UTC, from the injected clock)', () => {
  it('now() is the clock', () => {
    expect(value('now()')).toBe(new Date(NOW).toISOString());
  });
  it.each([
    ['$c9_now', '2024-05-15T10:30:00.000Z'],
    ['$c9_thishour', '2024-05-15T10:00:00.000Z'],
    ['$c9_today', '2024-05-15T00:00:00.000Z'],
    ['$c9_yesterday', '2024-05-14T00:00:00.000Z'],
    ['$c9_tomorrow', '2024-05-16T00:00:00.000Z'],
    ['$c9_thisweek', '2024-05-13T00:00:00.000Z'],
    ['$c9_lastweek', '2024-05-06T00:00:00.000Z'],
    ['$c9_thismonth', '2024-05-01T00:00:00.000Z'],
    ['$c9_lastmonth', '2024-04-01T00:00:00.000Z'],
    ['$c9_thisquarter', '2024-04-01T00:00:00.000Z'],
    ['$c9_lastquarter', '2024-01-01T00:00:00.000Z'],
    ['$c9_thisyear', '2024-01-01T00:00:00.000Z'],
    ['$c9_lastyear', '2023-01-01T00:00:00.000Z'],
    ['$C9_TODAY - 7d', '2024-05-08T00:00:00.000Z'],
    ['$c9_now - 12h', '2024-05-14T22:30:00.000Z'],
    ['$c9_thismonth + 1M', '2024-06-01T00:00:00.000Z'],
  ])('%s', (expr, iso) => {
    expect(value(expr)).toBe(iso);
  });
  it('filters relative to the clock', () => {
    const rows = [{ d: '2024-05-14T09:00:00Z' }, { d: '2024-05-01' }, { d: '2024-05-15T08:00:00Z' }];
    expect(runCloud9QL('select d where d >= $c9_yesterday and d < $c9_today', rows, { now })).toEqual([{ d: '2024-05-14T09:00:00Z' }]);
    expect(runCloud9QL('select d where d > $c9_today - 7d', rows, { now })).toHaveLength(2);
  });
  it('an unknown token is an error', () => {
    expect(() => value('$c9_someday')).toThrow(expect.objectContaining({ code: 'unknown_token' }));
  });
});

describe('date arithmetic and grouping by day', () => {
  it('date minus date is milliseconds; date plus duration is a date', () => {
    expect(value("date('2024-01-02') - date('2024-01-01')")).toBe(86_400_000);
    expect(value("date('2024-01-01') + 2w")).toBe('2024-01-15T00:00:00.000Z');
  });
  it('groups by formatted day', () => {
    const rows = [{ create_time: 1704067200 }, { create_time: 1704070800 }, { create_time: 1703462400 }];
    expect(runCloud9QL("select date_format(create_time*1000, 'yyyy-MM-dd') as day, count(*) as n group by day order by day", rows)).toEqual([
      { day: '2023-12-25', n: 1 },
      { day: '2024-01-01', n: 2 },
    ]);
  });
  it('keeps dates as dates between statements and writes ISO text at the end', () => {
    expect(runCloud9QL("select date(d) as day; select day where day > '2024-01-01'", [{ d: '2024-01-02 10:00' }, { d: '2023-01-02' }])).toEqual([
      { day: '2024-01-02T00:00:00.000Z' },
    ]);
  });
});

describe('date_format memo', () => {
  it('gives the right text for every row when many rows share a day, across zones and DST', () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({ t: Date.UTC(2024, 2, 9) + i * 1_234_567 }));
    const out = runCloud9QL("select date_format(t, 'yyyy-MM-dd a', 'America/New_York') as d", rows);
    const expected = rows.map(({ t }) => {
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(t));
      const get = (type: string) => parts.find((p) => p.type === type)!.value;
      return `${get('year')}-${get('month')}-${get('day')} ${Number(get('hour')) < 12 ? 'AM' : 'PM'}`;
    });
    expect(out.map((r) => r.d)).toEqual(expected);
  });
});

describe('dates out of range', () => {
  it('a computed date beyond Date range is null in the output, not a RangeError', () => {
    expect(runCloud9QL('select create_time * 1000 + 1d as d, 1 as k', [{ create_time: 1e20 }])).toEqual([{ d: null, k: 1 }]);
  });
});
