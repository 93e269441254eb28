/**
 * The six fields of an EventBridge cron expression, parsed and validated strictly:
 *
 *   minutes  hours  day-of-month  month  day-of-week  year
 *   0-59     0-23   1-31 ? L W    1-12   1-7 ? L #    1970-2199
 *                                 JAN-DEC SUN-SAT (1 = SUN)
 *
 * Every field takes `*`, lists `a,b`, ranges `a-b` and increments `*\/n`, `a/n`, `a-b/n`.
 * Exactly one of day-of-month and day-of-week is `?` (EventBridge: "you can't specify both").
 *
 * Hand-written on purpose: croner (used for the time arithmetic, see next-run.ts) speaks a wider
 * dialect (seconds, day-of-week 0-7 by default, `?` as `*`, steps only after `*` or a range, OR of
 * the two day fields by default, years to 9999), so validating EventBridge's rules needs its own
 * grammar. The output is plain value lists plus the few day specials, which next-run.ts hands to
 * croner in its syntax.
 */
import { ValidationError } from '../../errors.ts';

export const SCHEDULE_FIELD = 'schedule';

interface FieldDef {
  name: string;
  min: number;
  max: number;
  /** Names for values, index 0 = `min`. */
  names?: readonly string[];
  hint: string;
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

export const CRON_FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59, hint: '0-59' },
  hours: { name: 'hours', min: 0, max: 23, hint: '0-23' },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31, hint: '1-31, ?, L, LW or nW' },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, hint: '1-12 or JAN-DEC' },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: DAY_NAMES, hint: '1-7 or SUN-SAT (1 = SUN), ?, L, nL or n#k' },
  year: { name: 'year', min: 1970, max: 2199, hint: '1970-2199' },
} as const satisfies Record<string, FieldDef>;

/** Day-of-month: a set of days, `L` (last day), `LW` (last weekday) or `nW` (weekday nearest day n). */
export type DayOfMonthSpec =
  | { kind: 'any' }
  | { kind: 'values'; days: number[] }
  | { kind: 'last' }
  | { kind: 'lastWeekday' }
  | { kind: 'nearestWeekday'; day: number };

/** Day-of-week (1 = SUN ... 7 = SAT): a set, `nL` (last n-day of the month) or `n#k` (k-th n-day). */
export type DayOfWeekSpec =
  | { kind: 'any' }
  | { kind: 'values'; days: number[] }
  | { kind: 'lastOfMonth'; day: number }
  | { kind: 'nthOfMonth'; day: number; nth: number };

export interface CronFields {
  minutes: number[];
  hours: number[];
  dayOfMonth: DayOfMonthSpec;
  months: number[];
  dayOfWeek: DayOfWeekSpec;
  /** Sorted allowed years; every year 1970-2199 for `*`. */
  years: number[];
}

function fail(message: string): never {
  throw new ValidationError(`Invalid ${SCHEDULE_FIELD}: ${message}`, SCHEDULE_FIELD);
}

function parseValue(token: string, def: FieldDef): number {
  let value: number | undefined;
  if (/^\d+$/.test(token)) value = Number(token);
  else if (def.names) {
    const i = def.names.indexOf(token.toUpperCase());
    if (i >= 0) value = def.min + i;
  }
  if (value === undefined) fail(`${def.name} value '${token}' is not a number${def.names ? ' or a name' : ''} (allowed: ${def.hint}).`);
  if (value < def.min || value > def.max) fail(`${def.name} value '${token}' is out of range (allowed: ${def.hint}).`);
  return value;
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** One list item: `*`, `*\/n`, `a`, `a-b`, `a/n`, `a-b/n`. */
function parseItem(item: string, def: FieldDef): number[] {
  const [base, stepText, extra] = item.split('/');
  if (extra !== undefined) fail(`${def.name} item '${item}' has more than one '/'.`);
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText) || Number(stepText) < 1 || Number(stepText) > def.max - def.min + 1) {
      fail(`${def.name} increment in '${item}' must be a whole number from 1 to ${def.max - def.min + 1}.`);
    }
    step = Number(stepText);
  }
  if (base === '*') return range(def.min, def.max, step);
  if (base === undefined || base === '') fail(`${def.name} item '${item}' is empty before '/'.`);
  const bounds = base.split('-');
  if (bounds.length > 2) fail(`${def.name} range '${base}' has more than one '-'.`);
  const from = parseValue(bounds[0]!, def);
  if (bounds.length === 2) {
    const to = parseValue(bounds[1]!, def);
    if (to < from) fail(`${def.name} range '${base}' runs backwards (start must not be after end).`);
    return range(from, to, step);
  }
  // `a/n` starts at a and repeats to the end of the field (0/15 in minutes = 0,15,30,45).
  return stepText === undefined ? [from] : range(from, def.max, step);
}

function parseList(text: string, def: FieldDef): number[] {
  if (text === '') fail(`${def.name} is empty.`);
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') fail(`${def.name} list '${text}' has an empty item.`);
    if (item === '?') fail(`${def.name} does not allow '?' here (only day-of-month or day-of-week, alone).`);
    for (const v of parseItem(item, def)) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function parseDayOfMonth(text: string): DayOfMonthSpec {
  const def = CRON_FIELDS.dayOfMonth;
  const upper = text.toUpperCase();
  if (text === '?') return { kind: 'any' };
  if (upper === 'L') return { kind: 'last' };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const w = /^(\d+)W$/i.exec(text);
  if (w) return { kind: 'nearestWeekday', day: parseValue(w[1]!, def) };
  if (/[LW#]/i.test(text)) fail(`day-of-month '${text}' is not valid: use L, LW or nW (e.g. 15W) alone, # belongs to day-of-week.`);
  return { kind: 'values', days: parseList(text, def) };
}

function parseDayOfWeek(text: string): DayOfWeekSpec {
  const def = CRON_FIELDS.dayOfWeek;
  if (text === '?') return { kind: 'any' };
  // `L` alone is the last day of the week: Saturday.
  if (text.toUpperCase() === 'L') return { kind: 'values', days: [7] };
  const last = /^([A-Za-z]{3}|\d+)L$/i.exec(text);
  if (last) return { kind: 'lastOfMonth', day: parseValue(last[1]!, def) };
  const nth = /^([A-Za-z]{3}|\d+)#(\d+)$/.exec(text);
  if (nth) {
    const k = Number(nth[2]);
    if (k < 1 || k > 5) fail(`day-of-week '${text}': the occurrence after '#' must be 1-5.`);
    return { kind: 'nthOfMonth', day: parseValue(nth[1]!, def), nth: k };
  }
  if (text.includes('#')) fail(`day-of-week '${text}' is not valid: n#k (e.g. 2#1) must stand alone, with n 1-7 or SUN-SAT.`);
  return { kind: 'values', days: parseList(text, def) };
}

/** Parses the inside of `cron(...)`. Throws a ValidationError naming `schedule`. */
export function parseCronFields(body: string): CronFields {
  const parts = body.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 6) {
    fail(`cron expressions have six fields (minutes hours day-of-month month day-of-week year), got ${parts.length}.`);
  }
  const [min, hour, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  const domAny = dom === '?';
  const dowAny = dow === '?';
  if (domAny === dowAny) {
    fail(
      domAny
        ? 'day-of-month and day-of-week cannot both be \'?\': give one of them a value or \'*\'.'
        : 'day-of-month and day-of-week cannot both be set: one of them must be \'?\'.',
    );
  }
  return {
    minutes: parseList(min, CRON_FIELDS.minutes),
    hours: parseList(hour, CRON_FIELDS.hours),
    dayOfMonth: domAny ? { kind: 'any' } : parseDayOfMonth(dom),
    months: parseList(month, CRON_FIELDS.month),
    dayOfWeek: dowAny ? { kind: 'any' } : parseDayOfWeek(dow),
    years: parseList(year, CRON_FIELDS.year),
  };
}
