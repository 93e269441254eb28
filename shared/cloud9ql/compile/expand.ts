/**
 * expand, expand_arrays and expand_arrays_with_defaults: turn nested arrays and maps into rows.
 * Each output row holds the input row's other top-level fields, then the element's fields (the element
 * wins a clash). A scalar element is stored under the path's last segment (or the item's alias).
 * Null, missing or empty arrays produce no rows (expand_arrays_with_defaults keeps one row of nulls).
 */
import type { PathSegment } from '../ast.ts';
import { Cloud9QLError } from '../errors.ts';
import { copyFields, setField, type Row } from '../values.ts';
import { compilePath, topLevelKey } from './fields.ts';

export interface ExpandResult {
  rows: Row[];
  /** False when some output rows are input objects themselves (zero-copy), so the caller copies before returning them. */
  fresh: boolean;
}

function isMap(v: unknown): v is Row {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
}

/** Every element is a plain map. Dates only exist when the run made some (`datesPossible`), so JSON input skips that check. */
function allMaps(values: readonly unknown[], datesPossible: boolean): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  }
  if (datesPossible) for (const v of values) if (v instanceof Date) return false;
  return true;
}

function hasOnlyKey(row: Row, key: string): boolean {
  for (const k in row) if (k !== key) return false;
  return true;
}

function siblingsOf(row: Row, removed: ReadonlySet<string>): Row {
  const out: Row = {};
  for (const k in row) if (!removed.has(k) && Object.prototype.hasOwnProperty.call(row, k)) setField(out, k, row[k]);
  return out;
}

function tooMany(max: number): Cloud9QLError {
  return new Cloud9QLError('limit_exceeded', `expand produced more than the limit of ${max} rows`);
}

export function compileExpand(path: readonly PathSegment[], alias: string | null) {
  const read = compilePath(path);
  const name = alias ?? String(path[path.length - 1]);
  return (rows: readonly Row[], maxRows: number, datesPossible = true): ExpandResult => {
    if (rows.length === 1) {
      // The common TikTok case ({data:{videos:[...]}}): one input row whose only field holds an array of
      // maps. The array itself is the result (statement runners never mutate their input array).
      const row = rows[0]!;
      const value = read(row);
      if (Array.isArray(value) && hasOnlyKey(row, topLevelKey(row, path)) && allMaps(value, datesPossible)) {
        if (value.length > maxRows) throw tooMany(maxRows);
        return { rows: value as Row[], fresh: value.length === 0 };
      }
    }
    const out: Row[] = [];
    let fresh = true;
    for (const row of rows) {
      const value = read(row);
      if (value === null) continue;
      const top = topLevelKey(row, path);
      const alone = hasOnlyKey(row, top);
      const siblings = alone ? null : siblingsOf(row, new Set([top]));
      const emit = (element: unknown): void => {
        if (isMap(element)) {
          if (siblings === null) {
            out.push(element);
            fresh = false;
          } else out.push(copyFields(copyFields({}, siblings), element));
        } else {
          const made = siblings === null ? {} : copyFields({}, siblings);
          setField(made, name, element);
          out.push(made);
        }
      };
      if (Array.isArray(value)) {
        if (out.length + value.length > maxRows) throw tooMany(maxRows);
        if (siblings === null && allMaps(value, datesPossible)) {
          for (let i = 0; i < value.length; i++) out.push(value[i] as Row);
          if (value.length > 0) fresh = false;
          continue;
        }
        for (const element of value) emit(element);
      } else {
        if (out.length + 1 > maxRows) throw tooMany(maxRows);
        emit(value);
      }
    }
    return { rows: out, fresh };
  };
}

export function compileExpandArrays(paths: readonly (readonly PathSegment[])[], withDefaults: boolean) {
  const readers = paths.map(compilePath);
  const names = paths.map((p) => String(p[p.length - 1]));
  return (rows: readonly Row[], maxRows: number): ExpandResult => {
    const out: Row[] = [];
    for (const row of rows) {
      const arrays = readers.map((read) => {
        const v = read(row);
        return Array.isArray(v) ? v : v === null ? null : [v];
      });
      const lengths = arrays.map((a) => (a === null ? 0 : a.length));
      const count = withDefaults ? Math.max(1, ...lengths) : Math.min(...lengths);
      if (out.length + count > maxRows) throw tooMany(maxRows);
      const siblings = siblingsOf(row, new Set(paths.map((p) => topLevelKey(row, p))));
      for (let i = 0; i < count; i++) {
        const made = copyFields({}, siblings);
        arrays.forEach((array, k) => {
          const element = array?.[i] ?? null;
          if (isMap(element)) copyFields(made, element);
          else setField(made, names[k]!, element);
        });
        out.push(made);
      }
    }
    return { rows: out, fresh: true };
  };
}
