import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';

describe('expand', () => {
  it('unwinds an array of maps into rows, with the other top-level fields', () => {
    const data = [{ name: 'Ann', grades: [{ score: 1 }, { score: 2 }], meta: { x: 1 } }];
    expect(runCloud9QL('select expand(grades)', data)).toEqual([
      { name: 'Ann', meta: { x: 1 }, score: 1 },
      { name: 'Ann', meta: { x: 1 }, score: 2 },
    ]);
  });
  it('the element wins on a clash', () => {
    expect(runCloud9QL('select expand(items)', [{ id: 1, items: [{ id: 2 }] }])).toEqual([{ id: 2 }]);
  });
  it('a map gives one row; the top-level key where the path starts is removed', () => {
    expect(runCloud9QL('select expand(a.b)', { a: { b: { x: 1 }, c: 2 }, d: 3 })).toEqual([{ d: 3, x: 1 }]);
  });
  it('an array of scalars stores each value under the last segment, or the alias', () => {
    expect(runCloud9QL('select expand(doc.tags)', { id: 1, doc: { tags: ['a', 'b'] } })).toEqual([
      { id: 1, tags: 'a' },
      { id: 1, tags: 'b' },
    ]);
    expect(runCloud9QL('select expand(tags) as tag', { tags: ['a'] })).toEqual([{ tag: 'a' }]);
    expect(runCloud9QL('select doc.tags as labels; select expand(labels)', { doc: { tags: ['x'] } })).toEqual([{ labels: 'x' }]);
  });
  it('null, missing or empty arrays produce no rows', () => {
    expect(runCloud9QL('select expand(v)', [{ v: null }, {}, { v: [] }, { v: [{ a: 1 }] }])).toEqual([{ a: 1 }]);
  });
  it('accepts select *, expand(x) and applies where / order by / limit to the expanded rows', () => {
    const data = { data: { videos: [{ v: 1 }, { v: 3 }, { v: 2 }] } };
    expect(runCloud9QL('select *, expand(data.videos) where v > 1 order by v desc limit 1', data)).toEqual([{ v: 3 }]);
  });
  it('expands a key made by an earlier statement', () => {
    expect(runCloud9QL('select data.user; select expand(data.user)', { data: { user: { id: 7 } } })).toEqual([{ id: 7 }]);
  });
  it('returns copies, never the input objects', () => {
    const data = { data: { videos: [{ v: 1 }] } };
    const [row] = runCloud9QL('select expand(data.videos)', data);
    expect(row).toEqual({ v: 1 });
    expect(row).not.toBe(data.data.videos[0]);
  });
  it('chains: expand then aggregate (knowipy example shape)', () => {
    const data = [
      { borough: 'X', grades: [{ score: 10 }, { score: 20 }] },
      { borough: 'Y', grades: [{ score: 5 }] },
    ];
    expect(runCloud9QL('select *, expand(grades); select avg(score) as avg, borough group by borough', data)).toEqual([
      { avg: 15, borough: 'X' },
      { avg: 5, borough: 'Y' },
    ]);
  });
  it('must stand alone, with a field path', () => {
    expect(() => runCloud9QL('select expand(a), expand(b)', {})).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => runCloud9QL('select distinct expand(a)', {})).toThrow(expect.objectContaining({ code: 'invalid_query' }));
    expect(() => runCloud9QL("select expand('a')", {})).toThrow(expect.objectContaining({ code: 'wrong_arguments' }));
  });
});

describe('expand_arrays and expand_arrays_with_defaults', () => {
  const data = [{ id: 1, names: ['a', 'b', 'c'], scores: [1, 2] }];
  it('zips arrays by index, stopping at the shortest', () => {
    expect(runCloud9QL('select expand_arrays(names, scores)', data)).toEqual([
      { id: 1, names: 'a', scores: 1 },
      { id: 1, names: 'b', scores: 2 },
    ]);
  });
  it('with defaults: runs to the longest, filling nulls, and keeps rows without arrays', () => {
    expect(runCloud9QL('select expand_arrays_with_defaults(names, scores)', [...data, { id: 2 }])).toEqual([
      { id: 1, names: 'a', scores: 1 },
      { id: 1, names: 'b', scores: 2 },
      { id: 1, names: 'c', scores: null },
      { id: 2, names: null, scores: null },
    ]);
  });
  it('merges map elements', () => {
    expect(runCloud9QL('select expand_arrays(a, b)', { a: [{ x: 1 }], b: [{ y: 2 }] })).toEqual([{ x: 1, y: 2 }]);
  });
});

describe('transpose, inverse_transpose, pivot', () => {
  it('transpose(key): fields become rows, key values become columns', () => {
    const data = [
      { metric: 'views', jan: 1, feb: 2 },
      { metric: 'likes', jan: 3, feb: 4 },
    ];
    expect(runCloud9QL('select transpose(metric)', data)).toEqual([
      { metric: 'jan', views: 1, likes: 3 },
      { metric: 'feb', views: 2, likes: 4 },
    ]);
  });
  it('inverse_transpose(name, value, keep...): wide to long', () => {
    expect(runCloud9QL("select inverse_transpose(month, total, 'metric')", [{ metric: 'views', jan: 1, feb: 2 }])).toEqual([
      { metric: 'views', month: 'jan', total: 1 },
      { metric: 'views', month: 'feb', total: 2 },
    ]);
  });
  it('inverse_transpose undoes transpose', () => {
    const data = [{ metric: 'views', jan: 1, feb: 2 }];
    expect(runCloud9QL('select transpose(metric); select transpose(metric)', data)).toEqual(data);
  });
  it('pivot(rows..., column, value): long to wide, adding numbers that share a cell', () => {
    const data = [
      { day: 'mon', kind: 'views', n: 1 },
      { day: 'mon', kind: 'likes', n: 2 },
      { day: 'tue', kind: 'views', n: 3 },
      { day: 'mon', kind: 'views', n: 10 },
    ];
    expect(runCloud9QL('select pivot(day, kind, n)', data)).toEqual([
      { day: 'mon', views: 11, likes: 2 },
      { day: 'tue', views: 3 },
    ]);
    expect(runCloud9QL('select pivot(kind, n)', data)).toEqual(runCloud9QL('select pivot(day, kind, n)', data));
  });
});
