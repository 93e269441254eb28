import { describe, expect, it } from 'vitest';
import { applyThrottle, decide, emptyLedger, limitFactor, lookbackMs, type LedgerState } from '../../shared/quota/index.ts';
import type { LeaseAsk } from '../../shared/quota/ledger.ts';
import { settings } from './support.ts';

const T0 = Date.parse('2026-12-01T12:00:00Z');
const s = settings({ perMinute: 60 });

/** Leases until refused (a single lease is at most 1/30 of the lane's minute), like a busy process. */
function takeAll(state: LedgerState, ask: Omit<LeaseAsk, 'want'>, now: number, limit = 60): { granted: number; state: LedgerState } {
  let granted = 0;
  for (;;) {
    const d = decide(state, { ...ask, want: 1_000 }, now, limit, s);
    state = d.state;
    if (d.granted === 0) return { granted, state };
    granted += d.granted;
  }
}

describe('quota ledger', () => {
  it('grants up to the lane cap, then says when a permit frees up', () => {
    const d1 = takeAll(emptyLedger(), { tenantId: 'a', priority: 'interactive', fair: false }, T0);
    expect(d1.granted).toBe(60);
    const state = d1.state;
    const d2 = decide(state, { tenantId: 'a', priority: 'interactive', want: 1, fair: false }, T0 + 10_000, 60, s);
    expect(d2).toMatchObject({ granted: 0, reason: 'window_full' });
    // Counted for TikTok's minute plus the lease and the margin.
    expect('retryAfterMs' in d2 && d2.retryAfterMs).toBe(1000 + lookbackMs(s) - 10_000);
    const d3 = decide(state, { tenantId: 'a', priority: 'interactive', want: 1, fair: false }, T0 + 1000 + lookbackMs(s), 60, s);
    expect(d3.granted).toBe(1);
  });

  it('background grants count toward the window but not per tenant, and background refusals mark nobody waiting', () => {
    const bg = takeAll(emptyLedger(), { tenantId: 'a', priority: 'background', fair: true }, T0);
    expect(bg.granted).toBe(48);
    expect(bg.state.t).toEqual({});
    expect(bg.state.w).toEqual({});
    // An interactive tenant then still gets the rest, with no one counted as waiting.
    const i = takeAll(bg.state, { tenantId: 'b', priority: 'interactive', fair: true }, T0);
    expect(i.granted).toBe(12);
  });

  it('leases at most 1/30 of the lane minute at once, so unused permits cost little', () => {
    expect(decide(emptyLedger(), { tenantId: 'a', priority: 'interactive', want: 8, fair: false }, T0, 600, s).granted).toBe(8);
    expect(decide(emptyLedger(), { tenantId: 'a', priority: 'interactive', want: 8, fair: false }, T0, 60, s).granted).toBe(2);
    expect(decide(emptyLedger(), { tenantId: 'a', priority: 'interactive', want: 8, fair: false }, T0, 10, s).granted).toBe(1);
  });

  it('keeps lanes under their share: background stops at 80 %, scheduled at 90 %', () => {
    const bg = takeAll(emptyLedger(), { tenantId: 'a', priority: 'background', fair: false }, T0);
    expect(bg.granted).toBe(48);
    const sched = takeAll(bg.state, { tenantId: 'a', priority: 'scheduled', fair: false }, T0);
    expect(sched.granted).toBe(54 - 48);
    const inter = takeAll(sched.state, { tenantId: 'a', priority: 'interactive', fair: false }, T0);
    expect(inter.granted).toBe(6);
  });

  it('one tenant alone takes at most its share of an interactive window; others waiting shrink it further', () => {
    const a = takeAll(emptyLedger(), { tenantId: 'a', priority: 'interactive', fair: true }, T0);
    expect(a.granted).toBe(30);
    const refused = decide(a.state, { tenantId: 'a', priority: 'interactive', want: 1, fair: true }, T0 + 1, 60, s);
    expect(refused).toMatchObject({ granted: 0, reason: 'tenant_share' });
    const b = takeAll(refused.state, { tenantId: 'b', priority: 'interactive', fair: true }, T0 + 2);
    // a is waiting, so b's fair share is 60 / 2.
    expect(b.granted).toBe(30);
  });

  it("TikTok's 429 stops the endpoint, then the limit climbs back from half", () => {
    const state = applyThrottle(emptyLedger(), T0, 60_000, s);
    expect(limitFactor(state, T0 + 59_999, s)).toBe(0);
    expect(decide(state, { tenantId: 'a', priority: 'interactive', want: 1, fair: false }, T0 + 1_000, 60, s)).toMatchObject({ reason: 'backoff', retryAfterMs: 59_000 });
    expect(limitFactor(state, T0 + 60_000, s)).toBe(0.5);
    expect(limitFactor(state, T0 + 60_000 + s.recoveryMs / 2, s)).toBeCloseTo(0.75);
    expect(limitFactor(state, T0 + 60_000 + s.recoveryMs, s)).toBe(1);
    // A second 429 during the same back-off extends it without halving again.
    const again = applyThrottle(state, T0 + 30_000, 60_000, s);
    expect(again.bo).toEqual({ until: T0 + 90_000, factor: 0.5, at: T0 });
    // So does a storm of 429s without Retry-After (1 s pauses): one halving per episode.
    let storm = applyThrottle(emptyLedger(), T0, 1_000, s);
    for (let i = 1; i < 5; i += 1) storm = applyThrottle(storm, T0 + i * 1_500, 1_000, s);
    expect(storm.bo).toEqual({ until: T0 + 7_000, factor: 0.5, at: T0 });
    // A 429 while recovering (a new episode) halves what is in force.
    const later = applyThrottle(state, T0 + 60_000 + s.recoveryMs / 2, 10_000, s);
    expect(later.bo!.factor).toBeCloseTo(0.375);
  });

  it('forgets grants, tenants and waiters that left the window (the item stays small)', () => {
    let state = emptyLedger();
    for (let i = 0; i < 100; i += 1) state = decide(state, { tenantId: `t${i}`, priority: 'interactive', want: 1, fair: true }, T0 + i * 1000, 60, s).state;
    const later = decide(state, { tenantId: 'x', priority: 'interactive', want: 1, fair: true }, T0 + 100_000 + lookbackMs(s), 60, s).state;
    expect(later.g).toHaveLength(1);
    expect(Object.keys(later.t)).toEqual(['x']);
  });
});
