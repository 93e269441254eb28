/**
 * Aggregate functions. Each aggregate is a slot with a per-group state: `update` folds one row in,
 * `result` reads the group's value. Aggregates ignore nulls; sum of no values is 0, avg/min/max/median/sd
 * of no values are null; sd is the sample standard deviation (n-1), 0 for one value; median of an even
 * count is the mean of the two middle values. Numeric text counts as a number for sum/avg/median/sd.
 */
import { compare, keyOf, toNumber, truthy, type Value } from '../values.ts';

type Arg = (row: unknown) => Value;

export interface AggregateSlot {
  init(): unknown;
  update(state: unknown, row: unknown): void;
  result(state: unknown): Value;
}

export interface AggregateDef {
  readonly min: number;
  readonly max: number;
  readonly allowsStar?: boolean;
  readonly allowsDistinct?: boolean;
  make(args: Arg[], options: { star: boolean; distinct: boolean; consts: Value[] }): AggregateSlot;
}

interface NumState { sum: number; n: number }

function numeric(arg: Arg, finish: (s: NumState) => Value): AggregateSlot {
  return {
    init: () => ({ sum: 0, n: 0 }),
    update(state, row) {
      const s = state as NumState;
      const v = arg(row);
      if (typeof v === 'number') {
        if (v - v === 0) {
          s.sum += v;
          s.n++;
        }
      } else if (v !== null) {
        const x = toNumber(v);
        if (x !== null) {
          s.sum += x;
          s.n++;
        }
      }
    },
    result: (state) => finish(state as NumState),
  };
}

function collect(arg: Arg, keepNulls: boolean, finish: (values: Value[]) => Value): AggregateSlot {
  return {
    init: () => [] as Value[],
    update(state, row) {
      const v = arg(row);
      if (v !== null || keepNulls) (state as Value[]).push(v);
    },
    result: (state) => finish(state as Value[]),
  };
}

function extreme(arg: Arg, sign: 1 | -1): AggregateSlot {
  return {
    init: () => ({ v: null as Value }),
    update(state, row) {
      const s = state as { v: Value };
      const v = arg(row);
      if (v === null) return;
      if (s.v === null) s.v = v;
      else if (typeof v === 'number' && typeof s.v === 'number') {
        if (sign * (v - s.v) > 0) s.v = v;
      } else if (sign * compare(v, s.v) > 0) s.v = v;
    },
    result: (state) => (state as { v: Value }).v,
  };
}

function numbersOf(values: Value[]): number[] {
  const out: number[] = [];
  for (const v of values) {
    const x = toNumber(v);
    if (x !== null) out.push(x);
  }
  return out;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const AGGREGATES: Record<string, AggregateDef> = {
  count: {
    min: 0,
    max: 1,
    allowsStar: true,
    allowsDistinct: true,
    make(args, { star, distinct }) {
      if (star || args.length === 0) {
        return { init: () => ({ n: 0 }), update: (s) => { (s as { n: number }).n++; }, result: (s) => (s as { n: number }).n };
      }
      const arg = args[0]!;
      if (distinct) {
        return {
          init: () => new Set<string>(),
          update(state, row) {
            const v = arg(row);
            if (v !== null) (state as Set<string>).add(keyOf(v));
          },
          result: (state) => (state as Set<string>).size,
        };
      }
      return {
        init: () => ({ n: 0 }),
        update(state, row) {
          if (arg(row) !== null) (state as { n: number }).n++;
        },
        result: (state) => (state as { n: number }).n,
      };
    },
  },
  sum: { min: 1, max: 1, make: ([arg]) => numeric(arg!, (s) => s.sum) },
  avg: { min: 1, max: 1, make: ([arg]) => numeric(arg!, (s) => (s.n === 0 ? null : s.sum / s.n)) },
  min: { min: 1, max: 1, make: ([arg]) => extreme(arg!, -1) },
  max: { min: 1, max: 1, make: ([arg]) => extreme(arg!, 1) },
  median: { min: 1, max: 1, make: ([arg]) => collect(arg!, false, (values) => median(numbersOf(values))) },
  sd: {
    min: 1,
    max: 1,
    make: ([arg]) => collect(arg!, false, (values) => {
      const xs = numbersOf(values);
      if (xs.length === 0) return null;
      if (xs.length === 1) return 0;
      let mean = 0;
      let m2 = 0;
      xs.forEach((x, i) => {
        const d = x - mean;
        mean += d / (i + 1);
        m2 += d * (x - mean);
      });
      return Math.sqrt(m2 / (xs.length - 1));
    }),
  },
  /** array(x [, removeDuplicates [, dropNulls]]): the group's values in row order. */
  array: {
    min: 1,
    max: 3,
    make([arg], { consts }) {
      const dedupe = truthy(consts[1] ?? false);
      const dropNulls = truthy(consts[2] ?? false);
      return collect(arg!, !dropNulls, (values) => {
        if (!dedupe) return values.slice();
        const seen = new Set<string>();
        return values.filter((v) => {
          const key = keyOf(v);
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      });
    },
  },
};
