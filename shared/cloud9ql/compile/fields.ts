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
 * Reader of a path on a row. A row key equal to the whole dotted path (made by an earlier statement, as
 * in `select data.user; select data.user.id`... ) wins over walking the path.
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
  const literal = pathText(path);
  const safeLiteral = !isPrototypeKey(literal);
  if (path.length === 2 && typeof first === 'string' && typeof path[1] === 'string' && !isPrototypeKey(first) && !isPrototypeKey(path[1])) {
    const second = path[1];
    return (row) => {
      const r = row as Record<string, unknown>;
      const whole = safeLiteral ? r[literal] : undefined;
      if (whole !== undefined) return whole;
      const mid = r[first];
      if (mid === null || typeof mid !== 'object' || Array.isArray(mid)) return null;
      const v = (mid as Record<string, unknown>)[second];
      return v === undefined ? null : v;
    };
  }
  const n = path.length;
  return (row) => {
    const whole = safeLiteral ? (row as Record<string, unknown>)[literal] : undefined;
    if (whole !== undefined) return whole;
    let cur: unknown = row;
    for (let i = 0; i < n; i++) {
      cur = step(cur, path[i]!);
      if (cur === null) return null;
    }
    return cur;
  };
}

/** Which top-level key of `row` a path starts at: the whole dotted key when the row has it, else the first segment. */
export function topLevelKey(row: Record<string, unknown>, path: readonly PathSegment[]): string {
  const literal = pathText(path);
  if (path.length > 1 && Object.prototype.hasOwnProperty.call(row, literal)) return literal;
  return String(path[0]);
}
