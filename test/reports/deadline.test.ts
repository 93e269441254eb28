import { describe, expect, it } from 'vitest';
import { RESPONSE_RESERVE_MS, deadlinePassed, requestDeadline } from '../../shared/reports/deadline.ts';

describe('request deadline', () => {
  it('keeps a reserve from the Lambda remaining time for Cloud9QL and the response', () => {
    const before = Date.now();
    const deadline = requestDeadline({ getRemainingTimeInMillis: () => 29_000 })!;
    expect(deadline).toBeGreaterThanOrEqual(before + 29_000 - RESPONSE_RESERVE_MS);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 29_000 - RESPONSE_RESERVE_MS);
    expect(deadlinePassed(deadline)).toBe(false);
  });

  it('never runs past API Gateway’s 29 s, even in a function allowed longer (to finish a token refresh)', () => {
    const deadline = requestDeadline({ getRemainingTimeInMillis: () => 45_000 })!;
    expect(deadline).toBeLessThanOrEqual(Date.now() + 29_000 - RESPONSE_RESERVE_MS);
  });

  it('is already passed when less than the reserve remains, and absent without a context', () => {
    expect(deadlinePassed(requestDeadline({ getRemainingTimeInMillis: () => RESPONSE_RESERVE_MS - 1 }))).toBe(true);
    expect(requestDeadline(undefined)).toBeUndefined();
    expect(deadlinePassed(undefined)).toBe(false);
  });
});
