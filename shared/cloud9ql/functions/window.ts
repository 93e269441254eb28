/**
 * Cross-row ("Rolling & Cumulative") functions. They see the statement's rows in input order after
 * `where` (the input must already be sorted: sort in an earlier statement), and optional trailing
 * grouping arguments restart the computation per group. Definitions:
 *   accumulate(v)  running total                       delta(v)   v - previous v (first row: null)
 *   growth(v)      (v - prev) / prev * 100 (null when there is no previous value or it is 0)
 *   sma(v, n)      mean of the last n values          cma(v)     mean of all values so far
 *   tma(v, date, window)  mean of the values whose date lies in (date - window, date]; window is a
 *                  duration (7d) or text ('7d', '1 week')
 *   lag(v [, offset [, default]]) / lead(...)  v on the row `offset` (default 1) before / after
 * Null values are skipped by the running computations (they neither add nor reset).
 */
import type { DurationUnit } from '../ast.ts';
import { toEpochMs } from '../dates/convert.ts';
import { addToInstant, parseDurationText } from '../dates/units.ts';
import { UTC } from '../dates/zone.ts';
import { Duration, keyOf, toNumber, type Value } from '../values.ts';

type Arg = (row: unknown) => Value;

/** Where a window function is: the statement's rows and the index of the row being computed. */
export interface WindowCursor {
  rows: readonly unknown[];
  index: number;
}

export interface WindowInstance {
  reset(): void;
  fn: (row: unknown) => Value;
}

export interface WindowDef {
  readonly min: number;
  readonly max: number;
  /** Index of the first grouping argument (the rest are grouping fields), or -1 when there are none. */
  readonly groupFrom: number;
  /** Arguments that must be constants, with the check; returns an error text or null. */
  readonly constArgs?: Record<number, (v: Value) => string | null>;
  make(args: Arg[], consts: Value[], cursor: WindowCursor): WindowInstance;
}

function groupKey(groups: Arg[], row: unknown): string {
  if (groups.length === 1) return keyOf(groups[0]!(row));
  let key = '';
  for (const g of groups) key += `${keyOf(g(row))}\u0001`;
  return key;
}

/** A window function whose state is kept per group; `step` turns a state and a number into the output. */
function perGroup<S>(groupFrom: number, init: () => S, step: (state: S, x: number | null, row: unknown) => Value, valueArg = 0): WindowDef['make'] {
  return (args) => {
    const value = args[valueArg]!;
    const groups = groupFrom >= 0 ? args.slice(groupFrom) : [];
    const states = new Map<string, S>();
    let single: S = init();
    return {
      reset() {
        states.clear();
        single = init();
      },
      fn(row) {
        let state = single;
        if (groups.length > 0) {
          const key = groupKey(groups, row);
          let found = states.get(key);
          if (found === undefined) {
            found = init();
            states.set(key, found);
          }
          state = found;
        }
        return step(state, toNumber(value(row)), row);
      },
    };
  };
}

const positiveInteger = (v: Value): string | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? null : 'must be a whole number above 0');

function windowOf(v: Value): { amount: number; unit: DurationUnit } | null {
  if (v instanceof Duration) return { amount: v.amount, unit: v.unit };
  if (typeof v === 'string') return parseDurationText(v) ?? parseDurationText(`1 ${v}`);
  return null;
}

function shift(offsetArg: Arg | undefined, defaultArg: Arg | undefined, direction: 1 | -1): WindowDef['make'] {
  return (args, _consts, cursor) => {
    const value = args[0]!;
    return {
      reset() {},
      fn(row) {
        const offset = offsetArg ? toNumber(offsetArg(row)) : 1;
        const at = cursor.index + direction * Math.trunc(offset ?? 1);
        if (at < 0 || at >= cursor.rows.length) return defaultArg ? defaultArg(row) : null;
        return value(cursor.rows[at]);
      },
    };
  };
}

export const WINDOW_FUNCTIONS: Record<string, WindowDef> = {
  accumulate: {
    min: 1, max: Infinity, groupFrom: 1,
    make: perGroup(1, () => ({ total: 0 }), (s, x) => {
      if (x !== null) s.total += x;
      return s.total;
    }),
  },
  delta: {
    min: 1, max: Infinity, groupFrom: 1,
    make: perGroup(1, () => ({ prev: null as number | null }), (s, x) => {
      if (x === null) return null;
      const out = s.prev === null ? null : x - s.prev;
      s.prev = x;
      return out;
    }),
  },
  growth: {
    min: 1, max: Infinity, groupFrom: 1,
    make: perGroup(1, () => ({ prev: null as number | null }), (s, x) => {
      if (x === null) return null;
      const out = s.prev === null || s.prev === 0 ? null : ((x - s.prev) / Math.abs(s.prev)) * 100;
      s.prev = x;
      return out;
    }),
  },
  cma: {
    min: 1, max: Infinity, groupFrom: 1,
    make: perGroup(1, () => ({ sum: 0, n: 0 }), (s, x) => {
      if (x !== null) {
        s.sum += x;
        s.n++;
      }
      return s.n === 0 ? null : s.sum / s.n;
    }),
  },
  sma: {
    min: 2, max: Infinity, groupFrom: 2,
    constArgs: { 1: positiveInteger },
    make(args, consts, cursor) {
      const size = consts[1] as number;
      return perGroup(2, () => ({ window: [] as number[], sum: 0 }), (s, x) => {
        if (x !== null) {
          s.window.push(x);
          s.sum += x;
          if (s.window.length > size) s.sum -= s.window.shift()!;
        }
        return s.window.length === 0 ? null : s.sum / s.window.length;
      })(args, consts, cursor);
    },
  },
  tma: {
    min: 3, max: Infinity, groupFrom: 3,
    constArgs: { 2: (v) => (windowOf(v) ? null : "must be a time window such as 7d or '1 week'") },
    make(args, consts, cursor) {
      const span = windowOf(consts[2]!)!;
      const dateArg = args[1]!;
      return perGroup(3, () => ({ times: [] as number[], values: [] as number[], sum: 0 }), (s, x, row) => {
        const t = toEpochMs(dateArg(row));
        if (x !== null && t !== null) {
          s.times.push(t);
          s.values.push(x);
          s.sum += x;
        }
        if (t === null) return null;
        const from = addToInstant(t, -span.amount, span.unit, UTC);
        while (s.times.length > 0 && s.times[0]! <= from) {
          s.times.shift();
          s.sum -= s.values.shift()!;
        }
        return s.values.length === 0 ? null : s.sum / s.values.length;
      })(args, consts, cursor);
    },
  },
  lag: { min: 1, max: 3, groupFrom: -1, make: (args, consts, cursor) => shift(args[1], args[2], -1)(args, consts, cursor) },
  lead: { min: 1, max: 3, groupFrom: -1, make: (args, consts, cursor) => shift(args[1], args[2], 1)(args, consts, cursor) },
};
