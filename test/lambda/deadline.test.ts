/** Invocation deadlines: remaining time, capped, less the reserve; unknown remaining time means none. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deadlinePassed, invocationDeadline } from '../../shared/lambda/deadline.ts';

const context = (remaining: number) => ({ getRemainingTimeInMillis: () => remaining });

describe('invocationDeadline', () => {
  afterEach(() => vi.useRealTimers());

  it('is now + remaining - reserve, never before now, and counts at most capMs of the remaining time', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    expect(invocationDeadline(context(60_000), 10_000)).toBe(1_050_000);
    expect(invocationDeadline(context(5_000), 10_000)).toBe(1_000_000);
    expect(invocationDeadline(context(900_000), 4_000, { capMs: 29_000 })).toBe(1_025_000);
    expect(invocationDeadline(context(60_000), 10_000, { now: 5 })).toBe(50_005); // another clock
  });

  it('no context or no remaining time: no deadline, which never passes', () => {
    expect(invocationDeadline(undefined, 1_000)).toBeUndefined();
    expect(invocationDeadline({} as never, 1_000)).toBeUndefined();
    expect(deadlinePassed(undefined)).toBe(false);
  });

  it('passes at the deadline itself', () => {
    vi.useFakeTimers({ now: 2_000 });
    expect(deadlinePassed(2_001)).toBe(false);
    expect(deadlinePassed(2_000)).toBe(true);
  });
});
