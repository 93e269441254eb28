/**
 * Which run failures are worth another try, what the run records about them, and the backoff
 * between tries; plus the delivery key layout.
 */
import { describe, expect, it } from 'vitest';
import { Cloud9QLError } from '../../shared/cloud9ql/errors.ts';
import { classifyFailure, deliveryKey, retryDelaySeconds } from '../../shared/delivery/index.ts';
import { needsReauthError } from '../../shared/datasources/index.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { ScopeNotGrantedError } from '../../shared/reports/index.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';

describe('classifyFailure', () => {
  it.each([
    ['TikTok rate limit', new TikTokError({ kind: 'rate_limited', endpoint: 'user/info', tiktokCode: 'rate_limit_exceeded', httpStatus: 429, retryAfterSeconds: 120 }), true, 'tiktok_rate_limited'],
    ['TikTok 5xx', new TikTokError({ kind: 'upstream', endpoint: 'user/info', tiktokCode: 'internal_error', httpStatus: 500 }), true, 'tiktok_error'],
    ['TikTok timeout', new TikTokError({ kind: 'timeout', endpoint: 'video/list', tiktokCode: 'timeout' }), true, 'tiktok_timeout'],
    ['an S3 error', Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }), true, 'delivery_error'],
    ['a DynamoDB throttle', Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }), true, 'delivery_error'],
    ['needs_reauth', needsReauthError({ id: 'ds_1', name: 'Shop' }), false, 'needs_reauth'],
    ['a datasource that is gone', new NotFoundError('Datasource ds_1 was not found.'), false, 'not_found'],
    ['a stored request no longer valid', new ValidationError('Invalid fields: x', 'fields'), false, 'invalid_request'],
    ['a scope not granted', new ScopeNotGrantedError('missing', [{ scope: 'video.list', fields: ['id'] }]), false, 'scope_not_granted'],
    ['a Cloud9QL error', new Cloud9QLError('syntax_error', 'Unexpected end of query', 1, 30), false, 'cloud9ql_error'],
    ['TikTok invalid params', new TikTokError({ kind: 'invalid_params', endpoint: 'video/query', tiktokCode: 'invalid_params', httpStatus: 400 }), false, 'tiktok_invalid_params'],
  ])('%s', (_label, err, retryable, code) => {
    const c = classifyFailure(err);
    expect(c.retryable).toBe(retryable);
    expect(c.error.code).toBe(code);
    expect(c.error.message.length).toBeGreaterThan(0);
  });

  it('keeps TikTok\'s Retry-After', () => {
    const c = classifyFailure(new TikTokError({ kind: 'rate_limited', endpoint: 'user/info', tiktokCode: 'rate_limit_exceeded', httpStatus: 429, retryAfterSeconds: 120 }));
    expect(c.retryAfterSeconds).toBe(120);
  });

  it('never records a token, and bounds the message', () => {
    const c = classifyFailure(new Error(`socket hang up while sending act.1234567890abcdefghij ${'x'.repeat(2000)}`));
    expect(c.error.message).not.toContain('act.1234567890abcdefghij');
    expect(c.error.message.length).toBeLessThanOrEqual(501);
  });
});

describe('retryDelaySeconds', () => {
  const settings = { retryBaseSeconds: 30, retryMaxSeconds: 600 };
  it('doubles per try within ±20 % jitter, capped', () => {
    expect(retryDelaySeconds(1, settings, undefined, () => 0.5)).toBe(30);
    expect(retryDelaySeconds(2, settings, undefined, () => 0.5)).toBe(60);
    expect(retryDelaySeconds(3, settings, undefined, () => 0)).toBe(96);
    expect(retryDelaySeconds(3, settings, undefined, () => 1)).toBe(144);
    expect(retryDelaySeconds(10, settings, undefined, () => 1)).toBe(600);
  });

  it('waits at least what TikTok asked for, up to the cap', () => {
    expect(retryDelaySeconds(1, settings, 200, () => 0.5)).toBe(200);
    expect(retryDelaySeconds(1, settings, 5000, () => 0.5)).toBe(600);
  });
});

describe('deliveryKey', () => {
  it('is <tenant>/<schedule>/<YYYY>/<MM>/<DD>/<slot>.<ext>, dated by the slot (UTC)', () => {
    expect(deliveryKey({ tenantId: 'tn_a', scheduleId: 'sch_b', slot: '20301231T235900Z', extension: 'csv' })).toBe('tn_a/sch_b/2030/12/31/20301231T235900Z.csv');
    expect(deliveryKey({ tenantId: 'tn_a', scheduleId: 'sch_b', slot: '20300102T030405Z-manual-ab12cd34', extension: 'json' })).toBe(
      'tn_a/sch_b/2030/01/02/20300102T030405Z-manual-ab12cd34.json',
    );
  });
});
