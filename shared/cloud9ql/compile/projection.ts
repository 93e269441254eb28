/** Building output rows from select items, and the identity of a row for distinct. */
import type { SelectItem } from '../ast.ts';
import { pathText } from '../parser.ts';
import { keyOf, setField, type Row } from '../values.ts';
import type { Fn } from './expressions.ts';

/** Builds output rows: `*` copies the source's fields (minus `~` exclusions), items are written in order. */
export function projector(items: readonly SelectItem[], fns: readonly (Fn | null)[]): (subject: unknown, source: Row) => Row {
  const hasStar = items.some((i) => i.kind === 'star');
  const excluded = new Set(items.filter((i) => i.kind === 'exclude').map((i) => pathText(i.path)));
  const names: string[] = [];
  const readers: Fn[] = [];
  items.forEach((item, i) => {
    if (item.kind === 'expr') {
      names.push(item.name);
      readers.push(fns[i]!);
    }
  });
  const n = names.length;
  const unsafe = names.includes('__proto__');
  if (!hasStar && !unsafe) {
    return (subject) => {
      const out: Row = {};
      for (let i = 0; i < n; i++) out[names[i]!] = readers[i]!(subject);
      return out;
    };
  }
  return (subject, source) => {
    const out: Row = {};
    let written = 0;
    for (const item of items) {
      if (item.kind === 'star') {
        for (const k in source) {
          if (!excluded.has(k) && Object.prototype.hasOwnProperty.call(source, k)) setField(out, k, source[k]);
        }
      } else if (item.kind === 'expr') {
        setField(out, names[written]!, readers[written]!(subject));
        written++;
      }
    }
    return out;
  };
}

export function distinctKey(row: Row): string {
  let key = '';
  for (const k in row) key += `${k}\u0002${keyOf(row[k])}\u0001`;
  return key;
}

