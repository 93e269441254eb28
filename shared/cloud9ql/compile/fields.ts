/** Field reads compiled per path. A missing field, or a path through a non-object, is null. */
import type { PathSegment } from '../ast.ts';
import { pathText } from '../parser.ts';
import { isPrototypeKey, ownField, type Value } from '../values.ts';

export type Reader = (row: unknown) => Value;

function step(cur: unknown, segment: PathSegment): Value {
  if (cur === null || typeof cur !== 'object') return null;
  if (typeof segment === 'number') {
    if (Array.isArray(cur)) {
      const v = cur[segment < 0 ? cur.length + segment : segment];
      return v === undefined ? null : v;
    }
    return ownField(cur, String(segment));
  }
  if (Array.isArray(cur)) return null;
  if (isPrototypeKey(segment)) return ownField(cur, segment);
  const v = (cur as Record<string, unknown>)[segment];
  return v === undefined ? null : v;
}

/**
 * Reader of a path on a row. A row key equal to the dotted path, or to a dotted prefix of it (made by an
 * earlier statement: `select data.user; select data.user.id`), wins over walking the path.
 */
export function compilePath(path: readonly PathSegment[]): Reader {
  const first = path[0]!;
  if (path.length === 1) {
    if (typeof first === 'string' && !isPrototypeKey(first)) {
      return (row) => {
        const v = (row as Record<string, unknown>)[first];
        return v === undefined ? null : v;
      };
    }
    return (row) => step(row, first);
  }
  const n = path.length;
  // prefixes[k]: the dotted text of the first k segments (k >= 2), longest first.
  const prefixes: { key: string; rest: readonly PathSegment[] }[] = [];
  for (let k = n; k >= 2; k--) {
    const key = pathText(path.slice(0, k));
    if (!isPrototypeKey(key)) prefixes.push({ key, rest: path.slice(k) });
  }
  const walk = (start: unknown, segments: readonly PathSegment[]): Value => {
    let cur = start;
    for (let i = 0; i < segments.length; i++) {
      cur = step(cur, segments[i]!);
      if (cur === null) return null;
    }
    return cur === undefined ? null : cur;
  };
  const byPrefix = (row: Record<string, unknown>): Value => {
    for (const { key, rest } of prefixes) {
      const v = row[key];
      if (v !== undefined) return walk(v, rest);
    }
    return null;
  };
  const whole = prefixes[0]?.rest.length === 0 ? prefixes[0].key : null;
  if (n === 2 && typeof first === 'string' && typeof path[1] === 'string' && !isPrototypeKey(first) && !isPrototypeKey(path[1])) {
    const second = path[1];
    return (row) => {
      const r = row as Record<string, unknown>;
      if (whole !== null) {
        const w = r[whole];
        if (w !== undefined) return w;
      }
      const mid = r[first];
      if (mid === null || typeof mid !== 'object' || Array.isArray(mid)) return null;
      const v = (mid as Record<string, unknown>)[second];
      return v === undefined ? null : v;
    };
  }
  const rest = path.slice(1);
  return (row) => {
    const r = row as Record<string, unknown>;
    if (whole !== null) {
      const w = r[whole];
      if (w !== undefined) return w;
    }
    const top = typeof first === 'string' && !isPrototypeKey(first) ? r[first] : step(r, first);
    if (top === undefined || top === null) return top === null ? null : byPrefix(r);
    return walk(top, rest);
  };
}

/** Which top-level key of `row` a path starts at: the longest dotted prefix the row has as a key, else the first segment. */
export function topLevelKey(row: Record<string, unknown>, path: readonly PathSegment[]): string {
  for (let k = path.length; k >= 2; k--) {
    const key = pathText(path.slice(0, k));
    if (Object.prototype.hasOwnProperty.call(row, key)) return key;
  }
  return String(path[0]);
}
