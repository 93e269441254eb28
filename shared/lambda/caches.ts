/**
 * The one registry of per-container caches (module-level memos that outlive an invocation: clients
 * built from the config, API-key and tenant-limit look-ups, the report runner's grant cache). Each
 * module registers its cache once, at import; `resetCaches()` forgets them all, which is what tests
 * and the local runtime do after changing the environment or the clock, instead of one reset
 * function per module. Like Powertools Parameters' `clearCaches()`: one call, every cache.
 * Pure memos (parsed Cloud9QL programs, compiled cron expressions, the OpenAPI document) are not
 * registered: they depend on their input only, so there is nothing to forget.
 */
export interface ResettableCache {
  clear(): void;
}

const caches = new Map<string, ResettableCache>();

/** Registers a cache under a unique name (a module re-evaluated in tests replaces its entry). */
export function registerCache<C extends ResettableCache>(name: string, cache: C): C {
  caches.set(name, cache);
  return cache;
}

/** Clears every registered cache, or only the named ones (a test keeping, say, the report grants). */
export function resetCaches(...names: string[]): void {
  for (const name of names) if (!caches.has(name)) throw new Error(`No cache is registered as "${name}" (registered: ${[...caches.keys()].join(', ')})`);
  for (const [name, cache] of caches) if (names.length === 0 || names.includes(name)) cache.clear();
}

/** The registered names (tests: prove a module's cache is reachable from resetCaches). */
export function registeredCaches(): string[] {
  return [...caches.keys()];
}
