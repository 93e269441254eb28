/**
 * Per-group aggregate state for grouped statements. count(*), count(x), sum and avg, the aggregates of
 * nearly every report, keep their sums and counts in flat typed arrays (group × aggregate) updated inline
 * per row; the others (min, max, median, sd, array, count(distinct)) keep a state object each and fold
 * rows through their AggregateSlot. Row order within a group is preserved, so results match folding
 * the group's rows one by one.
 */
import type { AggregateSlot } from '../functions/aggregates.ts';
import { toNumber, type Row, type Value } from '../values.ts';

type Arg = (row: unknown) => Value;

export type AccumulatorSpec =
  | { kind: 'countStar' }
  | { kind: 'count' | 'sum' | 'avg'; arg: Arg }
  | { kind: 'slot'; slot: AggregateSlot };

const COUNT_STAR = 0;
const COUNT = 1;
const SUM = 2;
const AVG = 3;
const SLOT = 4;

export class GroupAccumulators {
  private readonly kinds: Int8Array;
  private readonly args: (Arg | null)[];
  private readonly slots: (AggregateSlot | null)[];
  private readonly width: number;
  private sums: Float64Array;
  private counts: Float64Array;
  private readonly states: unknown[][] = [];
  private size = 0;

  constructor(specs: readonly AccumulatorSpec[]) {
    const codes = { countStar: COUNT_STAR, count: COUNT, sum: SUM, avg: AVG, slot: SLOT };
    this.kinds = Int8Array.from(specs.map((s) => codes[s.kind]));
    this.args = specs.map((s) => ('arg' in s ? s.arg : null));
    this.slots = specs.map((s) => (s.kind === 'slot' ? s.slot : null));
    this.width = specs.length;
    this.sums = new Float64Array(16 * this.width);
    this.counts = new Float64Array(16 * this.width);
  }

  /** Opens a group; returns its index. */
  addGroup(): number {
    const index = this.size++;
    if (this.size * this.width > this.sums.length) {
      const sums = new Float64Array(this.sums.length * 2 + this.width);
      sums.set(this.sums);
      this.sums = sums;
      const counts = new Float64Array(this.counts.length * 2 + this.width);
      counts.set(this.counts);
      this.counts = counts;
    }
    this.states.push(this.slots.map((s) => (s ? s.init() : null)));
    return index;
  }

  update(group: number, row: Row): void {
    const base = group * this.width;
    const kinds = this.kinds;
    for (let j = 0; j < kinds.length; j++) {
      const kind = kinds[j]!;
      if (kind === COUNT_STAR) {
        this.counts[base + j]!++;
      } else if (kind === SLOT) {
        this.slots[j]!.update(this.states[group]![j], row);
      } else {
        const v = this.args[j]!(row);
        if (v === null) continue;
        if (kind === COUNT) this.counts[base + j]!++;
        else if (typeof v === 'number') {
          if (v - v === 0) {
            this.sums[base + j] += v;
            this.counts[base + j]!++;
          }
        } else {
          const x = toNumber(v);
          if (x !== null) {
            this.sums[base + j] += x;
            this.counts[base + j]!++;
          }
        }
      }
    }
  }

  /** The aggregates' values for a group, in spec order. */
  results(group: number): Value[] {
    const base = group * this.width;
    const out = new Array<Value>(this.width);
    for (let j = 0; j < this.width; j++) {
      const kind = this.kinds[j]!;
      const n = this.counts[base + j]!;
      if (kind === COUNT_STAR || kind === COUNT) out[j] = n;
      else if (kind === SUM) out[j] = this.sums[base + j]! + 0;
      else if (kind === AVG) out[j] = n === 0 ? null : this.sums[base + j]! / n;
      else out[j] = this.slots[j]!.result(this.states[group]![j]);
    }
    return out;
  }
}
