/** Virtual time for governor tests: `sleep` advances the shared clock, nothing waits for real. */
import { createGovernor, DEFAULT_QUOTA_SETTINGS, memoryLedgerStore, type GovernorEvent, type LedgerStore, type QuotaSettings } from '../../shared/quota/index.ts';

export function virtualClock(start = Date.parse('2026-12-01T12:00:00Z')) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    sleep: async (ms: number) => {
      t += ms;
    },
  };
}

export function settings(patch: Partial<QuotaSettings> = {}): QuotaSettings {
  return { ...DEFAULT_QUOTA_SETTINGS, perMinute: 60, ...patch };
}

export function governorOn(store: LedgerStore, clock: ReturnType<typeof virtualClock>, s: QuotaSettings, events: GovernorEvent[] = []) {
  return createGovernor({ store, settings: s, now: clock.now, sleep: clock.sleep, random: () => 0.5, onEvent: (e) => events.push(e) });
}

export { memoryLedgerStore };

/** The most calls in any window of `windowMs` (sliding, inclusive start, exclusive end) among `times`. */
export function maxInWindow(times: number[], windowMs = 60_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}
