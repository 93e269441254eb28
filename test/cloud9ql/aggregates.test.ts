import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';
import { campaigns } from './fixtures.ts';

const run = (q: string, data: unknown = campaigns) => runCloud9QL(q, data);

describe('aggregation without group by', () => {
  it('collapses all rows into one (Knowi example)', () => {
    expect(run('select sum(Sent), avg(Sent), count(*), median(Sent), max(Sent), min(Sent)')).toEqual([
      { 'sum(Sent)': 960000, 'avg(Sent)': 192000, 'count(*)': 5, 'median(Sent)': 210000, 'max(Sent)': 300000, 'min(Sent)': 50000 },
    ]);
  });
  it('gives one row on empty input: count 0, sum 0, the others null', () => {
    expect(run('select count(*) as n, count(x) as c, sum(x) as s, avg(x) as a, min(x) as lo, max(x) as hi, median(x) as m, sd(x) as d, array(x) as xs', [])).toEqual([
      { n: 0, c: 0, s: 0, a: null, lo: null, hi: null, m: null, d: null, xs: [] },
    ]);
  });
  it('ignores nulls; count(x) counts non-null; count(distinct x) distinct non-null', () => {
    const data = [{ x: 1 }, { x: null }, { x: 3 }, { x: 3 }, {}];
    expect(run('select count(*) as n, count(x) as c, count(distinct x) as d, avg(x) as a, sum(x) as s', data)).toEqual([{ n: 5, c: 3, d: 2, a: 7 / 3, s: 7 }]);
  });
  it('median of an even count is the mean of the middle two; sd is the sample deviation', () => {
    expect(run('select median(x) as m, sd(x) as d', [{ x: 4 }, { x: 1 }, { x: 3 }, { x: 2 }])).toEqual([{ m: 2.5, d: Math.sqrt(5 / 3) }]);
    expect(run('select sd(x) as d', [{ x: 4 }])).toEqual([{ d: 0 }]);
  });
  it('sums numeric text; min/max work on text and dates too', () => {
    expect(run("select sum(x) as s, min(t) as lo, max(t) as hi", [{ x: '2', t: 'b' }, { x: 3, t: 'a' }, { x: 'n/a', t: 'c' }])).toEqual([{ s: 5, lo: 'a', hi: 'c' }]);
    expect(run('select max(date(t)) as last', [{ t: '2024-01-02' }, { t: '2024-03-01' }])).toEqual([{ last: '2024-03-01T00:00:00.000Z' }]);
  });
  it('nests aggregates in arithmetic', () => {
    expect(run('select sum(Opened)*1.0/sum(Sent) as rate, round(avg(Opened) / 1000, 1) as k')).toEqual([{ rate: 450000 / 960000, k: 90 }]);
  });
  it('non-aggregated fields take the first row value', () => {
    expect(run('select Customer, count(*) as n')).toEqual([{ Customer: 'Facebook', n: 5 }]);
  });
});

describe('group by', () => {
  it('one row per key in order of first appearance (Knowi example)', () => {
    expect(run('select sum(Sent) as Total Sent, Customer group by Customer')).toEqual([
      { 'Total Sent': 400000, Customer: 'Facebook' },
      { 'Total Sent': 350000, Customer: 'Google' },
      { 'Total Sent': 210000, Customer: 'Apple' },
    ]);
  });
  it('groups by several keys, by expressions and by select aliases', () => {
    expect(run('select Customer, Message_Type, count(*) as n group by Customer, Message_Type').length).toBe(5);
    expect(run("select substring(Date, 0, 7) as month, count(*) as n group by substring(Date, 0, 7)")).toEqual([{ month: '2024-01', n: 5 }]);
    expect(run('select Sent > 200000 as big, count(*) as n group by big')).toEqual([{ big: true, n: 3 }, { big: false, n: 2 }]);
  });
  it('keeps 1 and "1" in different groups, and groups nulls together', () => {
    expect(run('select k, count(*) as n group by k', [{ k: 1 }, { k: '1' }, { k: null }, {}, { k: 1 }])).toEqual([
      { k: 1, n: 2 },
      { k: '1', n: 1 },
      { k: null, n: 2 },
    ]);
  });
  it('having filters groups, by alias or by aggregate', () => {
    expect(run('select Customer, sum(Sent) as total group by Customer having total > 300000')).toEqual([
      { Customer: 'Facebook', total: 400000 },
      { Customer: 'Google', total: 350000 },
    ]);
    expect(run('select Customer group by Customer having count(*) = 1')).toEqual([{ Customer: 'Apple' }]);
  });
  it('orders groups by aliases and aggregates, then limits', () => {
    expect(run('select Customer, sum(Sent) as total group by Customer order by total limit 2')).toEqual([
      { Customer: 'Apple', total: 210000 },
      { Customer: 'Google', total: 350000 },
    ]);
    expect(run('select Customer group by Customer order by max(Opened) desc limit 1')).toEqual([{ Customer: 'Apple' }]);
  });
  it('sd by group (Knowi example)', () => {
    const out = run('select sd(Opened) as Std Deviation, Customer group by Customer');
    expect(out[0]).toEqual({ 'Std Deviation': Math.sqrt(((120000 - 100000) ** 2 + (80000 - 100000) ** 2) / 1), Customer: 'Facebook' });
    expect(out[2]).toEqual({ 'Std Deviation': 0, Customer: 'Apple' });
  });
  it('array(x, dedupe, dropNulls) collects a group into an array (Knowi example)', () => {
    const data = [
      { Stock: 'A', Price: 1 },
      { Stock: 'B', Price: 5 },
      { Stock: 'A', Price: 1 },
      { Stock: 'A', Price: null },
      { Stock: 'A', Price: 2 },
    ];
    expect(run('select Stock, array(Price) as Trends group by Stock', data)).toEqual([
      { Stock: 'A', Trends: [1, 1, null, 2] },
      { Stock: 'B', Trends: [5] },
    ]);
    expect(run('select Stock, array(Price, true, true) as Trends group by Stock', data)).toEqual([
      { Stock: 'A', Trends: [1, 2] },
      { Stock: 'B', Trends: [5] },
    ]);
    expect(() => run('select array(Price, Stock) group by Stock', data)).toThrow(expect.objectContaining({ code: 'wrong_arguments' }));
  });
  it('distinct after grouping, and empty input gives no groups', () => {
    expect(run('select distinct count(*) as n group by Customer')).toEqual([{ n: 2 }, { n: 1 }]);
    expect(run('select Customer, count(*) group by Customer', [])).toEqual([]);
  });
  it('rejects aggregates in group by', () => {
    expect(() => run('select count(*) as n group by n')).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  });
});
