/**
 * The value model and its coercions. Values are plain JSON (null, boolean, number, string, arrays,
 * objects) plus two engine-made kinds: Date (from date functions; written out as ISO-8601 UTC text) and
 * Duration (`7d`). `undefined` never escapes a field read: a missing field is null.
 */
import type { DurationUnit } from './ast.ts';
import { toEpochMs } from './dates/convert.ts';

export type Value = unknown;
export type Row = Record<string, unknown>;

export class Duration {
  constructor(readonly amount: number, readonly unit: DurationUnit) {}
  toString(): string {
    return `${this.amount}${this.unit}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

export function isNumericString(s: string): boolean {
  return NUMERIC.test(s);
}

/** Number of a value, or null: numeric strings convert, booleans are 1/0, dates are epoch ms. */
export function toNumber(v: Value): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return NUMERIC.test(v) ? Number(v) : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return null;
}

/** A finite number or null: NaN and ±Infinity never reach a row (JSON cannot hold them), and -0 becomes 0. */
export function finite(n: number): number | null {
  return n - n === 0 ? n + 0 : null;
}

/** Text of a value (null stays null). Dates are ISO-8601 UTC, arrays and objects JSON. */
export function toText(v: Value): string | null {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Duration) return v.toString();
  return JSON.stringify(v);
}

/**
 * Truth of a value in `where`, `having`, `and`/`or`/`not`, `if` and `case when`: null is false, numbers
 * are true unless 0, strings unless empty, arrays and objects always.
 */
export function truthy(v: Value): boolean {
  if (v === true) return true;
  if (v === false || v === null || v === undefined) return false;
  if (typeof v === 'number') return v !== 0 && v === v;
  if (typeof v === 'string') return v.length > 0;
  return true;
}

/**
 * Ordering of two non-null values, or NaN when they cannot be compared. Numbers compare numerically,
 * also against numeric strings; strings compare by code unit; a date compares with anything that reads
 * as a date (epoch number, date text); a number compares with non-numeric text that reads as a date.
 */
export function compare(a: Value, b: Value): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'number' && tb === 'number') return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : (a as number) === (b as number) ? 0 : NaN;
  if (ta === 'string' && tb === 'string') return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  if (a instanceof Date || b instanceof Date) return compareDates(a, b);
  if (ta === 'number' && tb === 'string') return compareNumberText(a as number, b as string);
  if (ta === 'string' && tb === 'number') return -compareNumberText(b as number, a as string);
  if (ta === 'boolean' && tb === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Duration && b instanceof Duration && a.unit === b.unit) return Math.sign(a.amount - b.amount);
  return NaN;
}

function compareNumberText(n: number, s: string): number {
  if (NUMERIC.test(s)) {
    const m = Number(s);
    return n < m ? -1 : n > m ? 1 : 0;
  }
  return compareDates(n, s);
}

function compareDates(a: Value, b: Value): number {
  const x = toEpochMs(a);
  const y = toEpochMs(b);
  if (x === null || y === null) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `=` on two non-null values: like compare, plus structural equality of arrays and objects. */
export function equals(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === 'object' && typeof b === 'object' && !(a instanceof Date) && !(b instanceof Date)) {
    return keyOf(a) === keyOf(b);
  }
  if (ta === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  if (typeof b === 'boolean' && ta === 'string') return String(b) === (a as string).toLowerCase();
  return compare(a, b) === 0;
}

/**
 * A string that identifies a value for distinct, group by and count(distinct): equal values, same key.
 * The type is part of the key, so 1 and '1' are different groups.
 */
export function keyOf(v: Value): string {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `n${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      if (v === null || v === undefined) return 'z';
      if (v instanceof Date) return `d${v.getTime()}`;
      return `j${JSON.stringify(v)}`;
  }
}

/** Sort rank: booleans, then numbers (with numeric text and dates), then other text, then arrays/objects. */
function sortRank(v: Value): number {
  switch (typeof v) {
    case 'boolean':
      return 0;
    case 'number':
      return 1;
    case 'string':
      return NUMERIC.test(v) ? 1 : 2;
    default:
      return v instanceof Date ? 1 : 3;
  }
}

function sortNumber(v: Value): number {
  return typeof v === 'number' ? v : v instanceof Date ? v.getTime() : Number(v);
}

/**
 * Total order used by `order by` (the caller puts nulls last). Values map to (rank, key): booleans
 * (false < true), then numbers, numeric text and dates by numeric value, then other text by code unit,
 * then arrays and objects by JSON text. Being a total order, the full sort and the top-k heap behind
 * `limit` always agree, whatever mix of kinds the data holds.
 */
export function sortCompare(a: Value, b: Value): number {
  const ra = sortRank(a);
  const rb = sortRank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 1) {
    const x = sortNumber(a);
    const y = sortNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (ra === 0) return a === b ? 0 : a ? 1 : -1;
  const ka = ra === 2 ? (a as string) : keyOf(a);
  const kb = ra === 2 ? (b as string) : keyOf(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Key names that would reach Object.prototype through a plain property read or write. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

export function isPrototypeKey(key: string): boolean {
  return PROTOTYPE_KEYS.has(key);
}

/** Own property read that never returns a prototype member; missing is null. */
export function ownField(o: Value, key: string): Value {
  if (o === null || typeof o !== 'object') return null;
  return Object.prototype.hasOwnProperty.call(o, key) ? (o as Row)[key] ?? null : null;
}

/** Property write that treats "__proto__" as a plain key (never as the prototype setter). */
export function setField(o: Row, key: string, v: Value): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value: v, enumerable: true, writable: true, configurable: true });
  else o[key] = v;
}

/** Shallow copy of an object's own fields in order, safe for a "__proto__" key. */
export function copyFields(target: Row, source: Row): Row {
  for (const key in source) {
    if (Object.prototype.hasOwnProperty.call(source, key)) setField(target, key, source[key]);
  }
  return target;
}
