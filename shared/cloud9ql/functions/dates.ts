/**
 * Date functions. Inputs are read by toEpochMs (epoch seconds/ms, Date, date text); a value that is not a
 * date gives null. Functions returning an instant return a Date (written out as ISO-8601 UTC). The
 * optional last argument of the truncating and formatting functions is a time zone; the default is UTC.
 */
import type { DurationUnit } from '../ast.ts';
import { MS_PER_DAY, fillFields, newFields } from '../dates/civil.ts';
import { toEpochMs } from '../dates/convert.ts';
import { compileFormatter, compileParser, PatternError, type DateFormatter, type DateParser } from '../dates/pattern.ts';
import { addToInstant, parseUnit, truncate, unitsBetween, type TruncUnit } from '../dates/units.ts';
import { resolveZone, UTC, type Zone } from '../dates/zone.ts';
import { toNumber, toText, type Value } from '../values.ts';
import { constant, type BindContext, type ConstArg, type RunEnv, type ScalarDef } from './types.ts';

export function makeDate(env: RunEnv, ms: number): Date {
  env.sawDate = true;
  return new Date(ms);
}

/** The zone of argument `index`: fixed when constant (checked now), else resolved per row (null if bad). */
function zoneArg(consts: readonly ConstArg[], index: number, ctx: BindContext): Zone | null {
  if (consts.length <= index) return UTC;
  const c = constant(consts, index);
  if (c === undefined) return null;
  if (c === null) return UTC;
  const zone = resolveZone(String(c));
  if (!zone) ctx.fail(index, `unknown time zone "${String(c)}"`);
  return zone;
}

function rowZone(fixed: Zone | null, v: Value): Zone | null {
  if (fixed) return fixed;
  if (v === null || v === undefined) return UTC;
  return resolveZone(String(toText(v)));
}

function truncating(unit: TruncUnit): ScalarDef {
  return {
    min: 1,
    max: 2,
    bind(consts, ctx) {
      const fixed = zoneArg(consts, 1, ctx);
      return (a: Value, b: Value) => {
        const ms = toEpochMs(a);
        const zone = rowZone(fixed, b);
        return ms === null || zone === null ? null : makeDate(ctx.env, truncate(ms, unit, zone));
      };
    },
  };
}

function datePart(read: (f: ReturnType<typeof newFields>) => number): ScalarDef {
  return {
    min: 1,
    max: 2,
    bind(consts, ctx) {
      const fixed = zoneArg(consts, 1, ctx);
      const fields = newFields();
      return (a: Value, b: Value) => {
        const ms = toEpochMs(a);
        const zone = rowZone(fixed, b);
        if (ms === null || zone === null) return null;
        fillFields(fields, ms + zone.offsetAt(ms));
        return read(fields);
      };
    },
  };
}

function patternArg<T>(consts: readonly ConstArg[], ctx: BindContext, compile: (p: string) => T): T | null {
  const c = constant(consts, 1);
  if (typeof c !== 'string') return null;
  try {
    return compile(c);
  } catch (error) {
    if (error instanceof PatternError) ctx.fail(1, error.message);
    throw error;
  }
}

function perRowPattern<T>(cache: Map<string, T | null>, pattern: string, compile: (p: string) => T): T | null {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = compile(pattern);
    } catch (error) {
      if (!(error instanceof PatternError)) throw error;
      compiled = null;
    }
    if (cache.size > 100) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled;
}

const dateFormat: ScalarDef = {
  min: 2,
  max: 3,
  bind(consts, ctx) {
    const fixedFormat = patternArg(consts, ctx, compileFormatter);
    const fixedZone = zoneArg(consts, 2, ctx);
    const cache = new Map<string, DateFormatter | null>();
    if (fixedFormat && fixedZone) {
      return (a: Value) => {
        const ms = typeof a === 'number' ? (a > -1e11 && a < 1e11 ? a * 1000 : a) : toEpochMs(a);
        return ms === null || ms !== ms ? null : fixedFormat(ms, fixedZone);
      };
    }
    return (a: Value, b: Value, c: Value) => {
      const ms = toEpochMs(a);
      const zone = rowZone(fixedZone, c);
      if (ms === null || zone === null || b === null) return null;
      const format = fixedFormat ?? perRowPattern(cache, String(toText(b)), compileFormatter);
      return format ? format(ms, zone) : null;
    };
  },
};

const strToDate: ScalarDef = {
  min: 2,
  max: 3,
  bind(consts, ctx) {
    const fixedParser = patternArg(consts, ctx, compileParser);
    const fixedZone = zoneArg(consts, 2, ctx);
    const cache = new Map<string, DateParser | null>();
    return (a: Value, b: Value, c: Value) => {
      const s = toText(a);
      const zone = rowZone(fixedZone, c);
      if (s === null || zone === null || b === null) return null;
      const parse = fixedParser ?? perRowPattern(cache, String(toText(b)), compileParser);
      const ms = parse ? parse(s, zone) : null;
      return ms === null ? null : makeDate(ctx.env, ms);
    };
  },
};

function delta(unitMs: number): ScalarDef {
  return {
    min: 2,
    max: 2,
    bind: () => (a: Value, b: Value) => {
      const x = toEpochMs(a);
      const y = toEpochMs(b);
      return x === null || y === null ? null : unitsBetween(x, y, unitMs);
    },
  };
}

/** date_add(d, n, unit [, zone]): unit is a word ('day', 'hours', 'month'...) or a letter (d, h, M...). */
const dateAdd: ScalarDef = {
  min: 3,
  max: 4,
  bind(consts, ctx) {
    const unitConst = constant(consts, 2);
    let fixedUnit: DurationUnit | null = null;
    if (unitConst !== undefined) {
      fixedUnit = parseUnit(String(toText(unitConst)));
      if (!fixedUnit) ctx.fail(2, `unknown time unit "${String(unitConst)}" (use ms, s, m, h, d, w, M, q, y or words like 'day')`);
    }
    const fixedZone = zoneArg(consts, 3, ctx);
    return (a: Value, b: Value, c: Value, d: Value) => {
      const ms = toEpochMs(a);
      const n = toNumber(b);
      const unit = fixedUnit ?? (c === null ? null : parseUnit(String(toText(c))));
      const zone = rowZone(fixedZone, d);
      if (ms === null || n === null || unit === null || zone === null) return null;
      return makeDate(ctx.env, addToInstant(ms, Math.trunc(n), unit, zone));
    };
  },
};

export const DATE_FUNCTIONS: Record<string, ScalarDef> = {
  date: truncating('d'),
  week: truncating('w'),
  month: truncating('M'),
  quarter: truncating('q'),
  year: truncating('y'),
  hour: truncating('h'),
  minute: truncating('m'),
  day_of_week: datePart((f) => f.weekday),
  day_of_month: datePart((f) => f.day),
  date_format: dateFormat,
  str_to_date: strToDate,
  now: { min: 0, max: 0, pure: false, bind: (_c, ctx) => () => makeDate(ctx.env, ctx.env.nowMs) },
  epoch_secs: { min: 1, max: 1, bind: () => (a: Value) => { const ms = toEpochMs(a); return ms === null ? null : Math.floor(ms / 1000); } },
  epoch_millis: { min: 1, max: 1, bind: () => (a: Value) => toEpochMs(a) },
  days_delta: delta(MS_PER_DAY),
  hours_delta: delta(3_600_000),
  minutes_delta: delta(60_000),
  date_add: dateAdd,
};
