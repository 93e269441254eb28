/**
 * `order by`: a stable multi-key sort on precomputed keys. Nulls sort last whatever the direction (so
 * `order by views desc limit 10` gives the ten largest values, never ten nulls); other values use
 * sortCompare's total order. With a `limit` well below the row count a bounded heap keeps only the top
 * rows (n·log k instead of n·log n), with the row index as the final tie-break to stay stable.
 */
import { sortCompare, type Value } from '../values.ts';

export interface SortSpec {
  /** keys[k][i]: key k of row i. */
  keys: Value[][];
  desc: boolean[];
}

type IndexCompare = (a: number, b: number) => number;

function comparator({ keys, desc }: SortSpec): IndexCompare {
  if (keys.length === 1) {
    const column = keys[0]!;
    let numeric = true;
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (v !== null && typeof v !== 'number') {
        numeric = false;
        break;
      }
    }
    if (numeric) {
      // Nulls become +/-Infinity so that they land last in either direction; ties fall back to the index.
      const n = column.length;
      const values = new Float64Array(n);
      const isNull = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const v = column[i];
        if (v === null) isNull[i] = 1;
        else values[i] = v as number;
      }
      return desc[0]
        ? (a, b) => (isNull[a]! - isNull[b]!) || values[b]! - values[a]! || a - b
        : (a, b) => (isNull[a]! - isNull[b]!) || values[a]! - values[b]! || a - b;
    }
  }
  const k = keys.length;
  return (a, b) => {
    for (let j = 0; j < k; j++) {
      const column = keys[j]!;
      const x = column[a];
      const y = column[b];
      if (x === y) continue;
      if (x === null) return 1;
      if (y === null) return -1;
      const c = sortCompare(x, y);
      if (c !== 0) return desc[j] ? -c : c;
    }
    return a - b;
  };
}

/** Row indices in sorted order, at most `limit` of them. */
export function sortedIndices(rowCount: number, spec: SortSpec, limit: number | null): number[] {
  const cmp = comparator(spec);
  if (limit !== null && limit < rowCount / 8) return topK(rowCount, cmp, limit);
  const order = new Array<number>(rowCount);
  for (let i = 0; i < rowCount; i++) order[i] = i;
  order.sort(cmp);
  return limit !== null && limit < rowCount ? order.slice(0, limit) : order;
}

/** The `k` first indices under `cmp`, through a binary max-heap of size k. */
function topK(n: number, cmp: IndexCompare, k: number): number[] {
  if (k === 0) return [];
  const heap: number[] = [];
  const up = (i: number): void => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (cmp(heap[i]!, heap[parent]!) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number): void => {
    const size = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < size && cmp(heap[l]!, heap[largest]!) > 0) largest = l;
      if (r < size && cmp(heap[r]!, heap[largest]!) > 0) largest = r;
      if (largest === i) return;
      [heap[i], heap[largest]] = [heap[largest]!, heap[i]!];
      i = largest;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      up(heap.length - 1);
    } else if (cmp(i, heap[0]!) < 0) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort(cmp);
}
