/**
 * Row and column shaping. JSON keeps rows as Cloud9QL returns them; tabular outputs (CSV, the
 * HTML table) flatten them: nested plain objects become dotted columns (`data.user.follower_count`),
 * anything else (arrays, scalars, dates) is one cell.
 */

type Row = Record<string, unknown>;

/** Union of the rows' keys in first-seen order. */
export function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

export function isPlainObject(value: unknown): value is Row {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * `{a:{b:1,c:{d:2}}, e:[1]}` -> `{'a.b':1, 'a.c.d':2, e:[1]}`. An empty object stays one cell (`{}`),
 * so a column never silently disappears. When a flattened key collides with a literal dotted key the
 * later one in key order wins, as with any object assignment.
 */
export function flattenRow(row: Row): Row {
  // No prototype: a `__proto__` column (JSON.parse makes it an own key) is kept like any other.
  const out: Row = Object.create(null) as Row;
  const walk = (prefix: string, value: unknown): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else {
      out[prefix] = value;
    }
  };
  for (const [k, v] of Object.entries(row)) walk(k, v);
  return out;
}

/** Flattened rows and the union of their columns, for tabular renderers. */
export function tabulate(rows: readonly Row[]): { columns: string[]; rows: Row[] } {
  const flat = rows.map(flattenRow);
  return { columns: columnsOf(flat), rows: flat };
}
