/** A small bounded LRU map (Map keeps insertion order: a hit is re-inserted at the end, the oldest goes first). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  get size(): number {
    return this.map.size;
  }
}

/**
 * Memoizes `compute` for up to `capacity` keys, then starts over (cheaper than LRU bookkeeping for
 * per-row lookups of patterns, zones and formats, where the set of keys is almost always tiny).
 */
export function boundedMemo<K, V>(capacity: number, compute: (key: K) => V): (key: K) => V {
  const map = new Map<K, V>();
  return (key) => {
    let value = map.get(key);
    if (value === undefined && !map.has(key)) {
      value = compute(key);
      if (map.size >= capacity) map.clear();
      map.set(key, value);
    }
    return value as V;
  };
}
