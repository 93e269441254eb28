import { describe, expect, it } from 'vitest';
import { boundedMemo, LruCache } from '../../shared/cloud9ql/cache.ts';
import { runCloud9QL } from '../../shared/cloud9ql/index.ts';

describe('LruCache', () => {
  it('keeps at most `capacity` entries, evicting the least recently used', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });
});

describe('boundedMemo', () => {
  it('computes each key once, remembers null results, and starts over when full', () => {
    const calls: string[] = [];
    const memo = boundedMemo(2, (k: string) => {
      calls.push(k);
      return k === 'none' ? null : k.toUpperCase();
    });
    expect([memo('a'), memo('a'), memo('none'), memo('none')]).toEqual(['A', 'A', null, null]);
    expect(calls).toEqual(['a', 'none']);
    memo('b'); // full: starts over
    memo('a');
    expect(calls).toEqual(['a', 'none', 'b', 'a']);
  });
});

describe('compiled query cache', () => {
  it('a cached query sees each run’s clock, options and data', () => {
    const query = "select date_format($c9_today, 'yyyy-MM-dd') as d, count(*) as n";
    expect(runCloud9QL(query, [{}], { now: () => Date.UTC(2024, 0, 1, 12) })).toEqual([{ d: '2024-01-01', n: 1 }]);
    expect(runCloud9QL(query, [{}, {}], { now: () => Date.UTC(2025, 5, 30, 23) })).toEqual([{ d: '2025-06-30', n: 2 }]);
  });
});
