/** The bounded expiring map behind the per-container caches. */
import { describe, expect, it } from 'vitest';
import { createTtlCache } from '../../shared/lambda/ttl-cache.ts';

describe('createTtlCache', () => {
  it('serves a value until its end instant (exclusive), then drops it', () => {
    const cache = createTtlCache<string, number>(10);
    cache.set('a', 1, 1_000);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries, dropping the oldest write first; a rewrite counts as new', () => {
    const cache = createTtlCache<string, number>(2);
    cache.set('a', 1, 100);
    cache.set('b', 2, 100);
    cache.set('a', 3, 100); // a is now the newest
    cache.set('c', 4, 100);
    expect([cache.get('a', 0), cache.get('b', 0), cache.get('c', 0)]).toEqual([3, undefined, 4]);
    expect(cache.size).toBe(2);
  });

  it('delete and clear', () => {
    const cache = createTtlCache<string, string>(5);
    cache.set('a', 'x', 10);
    cache.set('b', 'y', 10);
    cache.delete('a');
    expect(cache.get('a', 0)).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
