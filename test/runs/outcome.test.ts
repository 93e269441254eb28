/**
 * The one run-outcome decision of deliveries, exports and snapshot captures (shared/runs/outcome.ts):
 * quota waits spend no try, transient failures retry with backoff while tries are left, everything
 * else gives up with the recorded reason.
 */
import { describe, expect, it } from 'vitest';
import { needsReauthError } from '../../shared/datasources/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { QuotaExhaustedError } from '../../shared/quota/errors.ts';
import { decideAfterFailure, type OutcomeSettings } from '../../shared/runs/outcome.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';

const settings = (quotaWait: Partial<OutcomeSettings['quotaWait']> = {}): OutcomeSettings => ({
  subject: 'The job',
  maxAttempts: 3,
  retryBaseSeconds: 30,
  retryMaxSeconds: 600,
  maxDelaySeconds: 900,
  quotaWait: { tiktokRateLimit: true, floorSeconds: 1, jitterSeconds: 0, ...quotaWait },
});
const half = () => 0.5;
const quota = (retryAfterSeconds: number) => new QuotaExhaustedError({ endpoint: 'video/list', priority: 'scheduled', retryAfterSeconds, reason: 'window_full' });
const tiktok429 = (retryAfterSeconds?: number) =>
  new TikTokError({ kind: 'rate_limited', endpoint: 'user/info', tiktokCode: 'rate_limit_exceeded', httpStatus: 429, ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });
const tiktok5xx = () => new TikTokError({ kind: 'upstream', endpoint: 'user/info', tiktokCode: 'internal_error', httpStatus: 500 });
const storeDown = () => Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });

describe('decideAfterFailure: quota waits', () => {
  it('no permit waits its Retry-After and spends no try, even on the last one', () => {
    expect(decideAfterFailure({ error: quota(42), attempt: 3 }, settings(), half)).toEqual({ kind: 'quota-wait', delaySeconds: 42 });
  });

  it('never waits shorter than the floor, adds the jitter, and never longer than the queue delays', () => {
    expect(decideAfterFailure({ error: quota(2), attempt: 1 }, settings({ floorSeconds: 10, jitterSeconds: 5 }), () => 0.99)).toEqual({ kind: 'quota-wait', delaySeconds: 14 });
    expect(decideAfterFailure({ error: quota(5000), attempt: 1 }, settings({ floorSeconds: 10, jitterSeconds: 5 }), () => 0)).toEqual({ kind: 'quota-wait', delaySeconds: 900 });
  });

  it("TikTok's own 429 waits (a minute without Retry-After) where the flow says so", () => {
    expect(decideAfterFailure({ error: tiktok429(120), attempt: 1 }, settings(), half)).toEqual({ kind: 'quota-wait', delaySeconds: 120 });
    expect(decideAfterFailure({ error: tiktok429(), attempt: 1 }, settings(), half)).toEqual({ kind: 'quota-wait', delaySeconds: 60 });
  });

  it("otherwise TikTok's 429 is a transient failure that spends a try (Retry-After as the backoff)", () => {
    expect(decideAfterFailure({ error: tiktok429(120), attempt: 1 }, settings({ tiktokRateLimit: false }), half)).toEqual({
      kind: 'retry',
      delaySeconds: 120,
      retryAfterSeconds: 120,
      error: { code: 'tiktok_rate_limited', message: expect.any(String) },
    });
    expect(decideAfterFailure({ error: tiktok429(120), attempt: 3 }, settings({ tiktokRateLimit: false }), half)).toMatchObject({ kind: 'give-up', retryable: true });
  });

  it('gives up once the waits allowed are used, naming the work', () => {
    const s = settings({ maxWaits: 2 });
    expect(decideAfterFailure({ error: quota(30), attempt: 1, waits: 1 }, s, half)).toEqual({ kind: 'quota-wait', delaySeconds: 30 });
    expect(decideAfterFailure({ error: quota(30), attempt: 1, waits: 2 }, s, half)).toEqual({
      kind: 'give-up',
      retryable: true,
      error: { code: 'quota_wait_exceeded', message: 'The job waited for TikTok quota 2 times; the shared quota is too busy. Try again later.' },
    });
  });

  it('a failed progress save is the failure: no wait, the store error is classified', () => {
    const d = decideAfterFailure({ error: quota(30), attempt: 1, saveError: storeDown() }, settings(), half);
    expect(d).toMatchObject({ kind: 'retry', error: { code: 'delivery_error' } });
  });
});

describe('decideAfterFailure: retries and giving up', () => {
  it('retries a transient failure with the backoff of the failed try while tries are left', () => {
    expect(decideAfterFailure({ error: tiktok5xx(), attempt: 1 }, settings(), half)).toEqual({ kind: 'retry', delaySeconds: 30, error: { code: 'tiktok_error', message: expect.any(String) } });
    expect(decideAfterFailure({ error: storeDown(), attempt: 2 }, settings(), half)).toMatchObject({ kind: 'retry', delaySeconds: 60 });
  });

  it('gives up on the last try, saying the failure was transient', () => {
    expect(decideAfterFailure({ error: tiktok5xx(), attempt: 3 }, settings(), half)).toMatchObject({ kind: 'give-up', retryable: true, error: { code: 'tiktok_error' } });
  });

  it('gives up at once on a permanent failure, whatever tries are left', () => {
    expect(decideAfterFailure({ error: needsReauthError({ id: 'ds_1', name: 'Shop' }), attempt: 1 }, settings(), half)).toMatchObject({ kind: 'give-up', retryable: false, error: { code: 'needs_reauth' } });
    expect(decideAfterFailure({ error: new NotFoundError('Datasource ds_1 was not found.'), attempt: 1 }, settings(), half)).toMatchObject({ kind: 'give-up', retryable: false, error: { code: 'not_found' } });
  });

  it('caps the backoff at the queue\'s longest delay', () => {
    const s = { ...settings(), retryMaxSeconds: 2000, maxDelaySeconds: 900 };
    expect(decideAfterFailure({ error: tiktok5xx(), attempt: 2 }, { ...s, maxAttempts: 10, retryBaseSeconds: 1000 }, half)).toMatchObject({ kind: 'retry', delaySeconds: 900 });
  });
});
