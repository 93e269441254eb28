/**
 * Aggregate functions. count/sum/avg are folded inline by the grouping loop (compile/accumulators.ts);
 * the others are slots with a per-group state: `update` folds one row in,
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
  /** Folded inline by the grouping loop (compile/accumulators.ts) unless `distinct` is given. */
  readonly inline?: 'count' | 'sum' | 'avg';
  /** The slot of an aggregate that is not folded inline. */
  make?(args: Arg[], options: { consts: Value[] }): AggregateSlot;
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
    inline: 'count',
    /** count(distinct x): non-null values, by identity key (1 and '1' differ). */
    make([arg]) {
      return {
        init: () => new Set<string>(),
        update(state, row) {
          const v = arg!(row);
          if (v !== null) (state as Set<string>).add(keyOf(v));
        },
        result: (state) => (state as Set<string>).size,
      };
    },
  },
  sum: { min: 1, max: 1, inline: 'sum' },
  avg: { min: 1, max: 1, inline: 'avg' },
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
