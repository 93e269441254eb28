import { describe, expect, it } from 'vitest';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';

const rows = [
  { c: 'A', week: 1, sent: 10 },
  { c: 'A', week: 2, sent: 20 },
  { c: 'A', week: 3, sent: 15 },
  { c: 'B', week: 1, sent: 5 },
  { c: 'B', week: 2, sent: null },
  { c: 'B', week: 3, sent: 10 },
];
const col = (q: string, data: unknown = rows) => runCloud9QL(q, data).map((r) => r.v);

describe('rolling and cumulative functions', () => {
  it('accumulate: running total, per group when grouping fields are given', () => {
    expect(col('select accumulate(sent) as v')).toEqual([10, 30, 45, 50, 50, 60]);
    expect(col('select accumulate(sent, c) as v')).toEqual([10, 30, 45, 5, 5, 15]);
  });
  it('delta: difference to the previous value (Knowi example shape)', () => {
    expect(col('select c, delta(sent, c) as v')).toEqual([null, 10, -5, null, null, 5]);
  });
  it('growth: percentage change to the previous value', () => {
    expect(col('select growth(sent, c) as v')).toEqual([null, 100, -25, null, null, 100]);
  });
  it('sma: mean of the last n values', () => {
    expect(col('select sma(sent, 2) as v')).toEqual([10, 15, 17.5, 10, 10, 7.5]);
    expect(col('select sma(sent, 2, c) as v')).toEqual([10, 15, 17.5, 5, 5, 7.5]);
    expect(() => col('select sma(sent, 0) as v')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => col('select sma(sent, week) as v')).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('cma: mean of all values so far', () => {
    expect(col('select cma(sent, c) as v')).toEqual([10, 15, 15, 5, 5, 7.5]);
  });
  it('tma: mean over a time window ending at the row', () => {
    const daily = [
      { d: '2024-01-01', v: 1 },
      { d: '2024-01-02', v: 2 },
      { d: '2024-01-05', v: 3 },
      { d: '2024-01-09', v: 4 },
    ];
    expect(col('select tma(v, d, 3d) as v', daily)).toEqual([1, 1.5, 3, 4]);
    expect(col("select tma(v, d, '1 week') as v", daily)).toEqual([1, 1.5, 2, 3.5]);
    expect(() => col("select tma(v, d, 'soon') as v", daily)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
  it('lag and lead with offsets and defaults', () => {
    expect(col('select lag(sent) as v')).toEqual([null, 10, 20, 15, 5, null]);
    expect(col('select lag(sent, 3) as v')).toEqual([null, null, null, 10, 20, 15]);
    expect(col('select lead(week, 1, -1) as v')).toEqual([2, 3, 1, 2, 3, -1]);
  });
  it('run on rows after where, in input order; order by applies afterwards', () => {
    expect(runCloud9QL("select week, accumulate(sent) as total where c = 'A' order by week desc", rows)).toEqual([
      { week: 3, total: 45 },
      { week: 2, total: 30 },
      { week: 1, total: 10 },
    ]);
  });
  it('restart on every run (cached queries hold no state)', () => {
    const q = 'select accumulate(sent) as v';
    expect(col(q)).toEqual(col(q));
  });
  it('are rejected next to aggregates', () => {
    expect(() => col('select accumulate(sent) as v, count(*)')).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  });
});
