/**
 * A bounded map whose entries expire: the shape of every per-container look-up cache here (API
 * keys, tenant limits, report grants, token data keys). The caller gives the instants, from its own
 * clock (the app clock where the lifetime is a promise, e.g. API-key revocation within 30 s), so one
 * cache can serve callers built with different clocks. Map order is the eviction order: a write
 * re-inserts at the end and, when full, the oldest write goes first.
 */
export interface TtlCache<K, V> {
  /** The value while `now` is before its end, else undefined (an expired entry is dropped). */
  get(key: K, now: number): V | undefined;
  /** Keeps `value` until the instant `until` (epoch ms). */
  set(key: K, value: V, until: number): void;
  delete(key: K): void;
  clear(): void;
  readonly size: number;
}

export function createTtlCache<K, V>(maxEntries: number): TtlCache<K, V> {
  const entries = new Map<K, { value: V; until: number }>();
  return {
    get(key, now) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.until > now) return hit.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, until) {
      entries.delete(key);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, until });
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
