/**
 * Date functions. Inputs are read by toEpochMs (epoch seconds/ms, Date, date text); a value that is not a
 * date gives null. Functions returning an instant return a Date (written out as ISO-8601 UTC). The
 * optional last argument of the truncating and formatting functions is a time zone; the default is UTC.
 */
import type { DurationUnit } from '../ast.ts';
import { MS_PER_DAY, fillFields, newFields } from '../dates/civil.ts';
import { toEpochMs } from '../dates/convert.ts';
import { boundedMemo } from '../cache.ts';
import { compileFormatter, compileParser, PatternError } from '../dates/pattern.ts';
import { addToInstant, parseUnit, truncate, unitsBetween, type TruncUnit } from '../dates/units.ts';
import { resolveZone, UTC, type Zone } from '../dates/zone.ts';
import { toNumber, toText, type Value } from '../values.ts';
import { constant, type BindContext, type ConstArg, type RunEnv, type ScalarDef, type ScalarImpl } from './types.ts';

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

/** Compiles patterns that vary per row, remembering the recent ones; a bad pattern gives null. */
function perRowPatterns<T>(compile: (p: string) => T): (pattern: string) => T | null {
  return boundedMemo(100, (pattern: string) => {
    try {
      return compile(pattern);
    } catch (error) {
      if (error instanceof PatternError) return null;
      throw error;
    }
  });
}

/**
 * A (value, pattern [, zone]) function. The pattern and the zone are checked once when constant,
 * otherwise compiled per row (remembered); `fast` may supply a leaner closure when both are constant.
 */
function withPattern<T>(
  compile: (pattern: string) => T,
  apply: (input: Value, compiled: T, zone: Zone, ctx: BindContext) => Value,
  fast?: (compiled: T, zone: Zone) => ScalarImpl,
): ScalarDef {
  return {
    min: 2,
    max: 3,
    bind(consts, ctx) {
      const fixed = patternArg(consts, ctx, compile);
      const fixedZone = zoneArg(consts, 2, ctx);
      if (fast && fixed && fixedZone) return fast(fixed, fixedZone);
      const compiledOf = perRowPatterns(compile);
      return (a: Value, b: Value, c: Value) => {
        const zone = rowZone(fixedZone, c);
        if (a === null || b === null || zone === null) return null;
        const compiled = fixed ?? compiledOf(String(toText(b)));
        return compiled ? apply(a, compiled, zone, ctx) : null;
      };
    },
  };
}

const dateFormat = withPattern(
  compileFormatter,
  (a, format, zone) => {
    const ms = toEpochMs(a);
    return ms === null ? null : format(ms, zone);
  },
  // The per-row hot path of reports: epoch numbers formatted with a constant pattern.
  (format, zone) => (a: Value) => {
    const ms = typeof a === 'number' ? (a > -1e11 && a < 1e11 ? a * 1000 : a) : toEpochMs(a);
    return ms === null || ms !== ms ? null : format(ms, zone);
  },
);

const strToDate = withPattern(compileParser, (a, parse, zone, ctx) => {
  const s = toText(a);
  const ms = s === null ? null : parse(s, zone);
  return ms === null ? null : makeDate(ctx.env, ms);
});

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
