import { describe, expect, it } from 'vitest';
import { Cloud9QLError } from '../../shared/cloud9ql/errors.ts';
import { AppError, ConflictError, NotFoundError, PayloadTooLargeError, RateLimitedError, UnauthorizedError, ValidationError } from '../../shared/errors.ts';
import { httpAnswerOf, translateError } from '../../shared/http/error-translation.ts';
import { QuotaExhaustedError } from '../../shared/quota/errors.ts';
import { TikTokError, type TikTokErrorKind } from '../../shared/tiktok/errors.ts';

const tiktok = (kind: TikTokErrorKind, extra: { logId?: string; retryAfterSeconds?: number } = {}) =>
  new TikTokError({ kind, endpoint: '/v2/user/info/', tiktokCode: kind, ...extra });

describe('translateError (domain errors -> AppError kinds)', () => {
  it('passes AppErrors through and leaves unknown errors to the 500 path', () => {
    const e = new AppError('conflict', 'x', 'y');
    expect(translateError(e)).toBe(e);
    expect(translateError(new Error('boom'))).toBeUndefined();
    expect(translateError('string')).toBeUndefined();
  });

  it('does not take an error for a typed one by its name', () => {
    const impostor = Object.assign(new Error('x'), { name: 'TikTokError', kind: 'rate_limited' });
    expect(translateError(impostor)).toBeUndefined();
  });

  it('maps a Cloud9QLError to the one unprocessable code, naming the field and position', () => {
    const t = translateError(new Cloud9QLError('syntax_error', 'Unbalanced parentheses (line 2, column 5)', 2, 5))!;
    expect(t).toMatchObject({ kind: 'unprocessable', code: 'cloud9ql_error', field: 'cloud9ql', retryable: false });
    expect(t.details).toEqual({ line: 2, column: 5, reason: 'syntax_error' });
    expect(httpAnswerOf(t).status).toBe(422);
  });

  it('maps an exhausted quota to a retryable rate limit with its wait', () => {
    const t = translateError(new QuotaExhaustedError({ endpoint: '/v2/video/list/', priority: 'interactive', retryAfterSeconds: 12.2, reason: 'window_full' }))!;
    expect(t).toMatchObject({ kind: 'rate_limited', code: 'quota_exhausted', retryable: true, retryAfterSeconds: 13 });
    expect(t.details).toEqual({ endpoint: '/v2/video/list/', reason: 'window_full', retryAfterSeconds: 13 });
    expect(httpAnswerOf(t)).toEqual({ status: 429, headers: { 'retry-after': '13' } });
  });

  it('defaults Retry-After to 60 s when TikTok sent none', () => {
    const t = translateError(tiktok('rate_limited'))!;
    expect(t.retryAfterSeconds).toBe(60);
    expect(httpAnswerOf(t)).toEqual({ status: 429, headers: { 'retry-after': '60' } });
  });

  it.each([
    ['rate_limited', 'rate_limited', 429, 'tiktok_rate_limited', true],
    ['timeout', 'upstream_timeout', 504, 'tiktok_timeout', true],
    ['upstream', 'upstream', 502, 'tiktok_error', true],
    ['oauth_error', 'upstream', 502, 'tiktok_error', true],
    ['scope_not_authorized', 'forbidden', 403, 'scope_not_granted', false],
    ['scope_permission_missed', 'forbidden', 403, 'scope_not_granted', false],
    ['invalid_grant', 'conflict', 409, 'needs_reauth', false],
    ['token_invalid', 'conflict', 409, 'needs_reauth', false],
    ['invalid_params', 'invalid', 400, 'tiktok_invalid_params', false],
  ] as const)('maps TikTok %s to %s (HTTP %i %s), keeping the log id', (tiktokKind, kind, status, code, retryable) => {
    const t = translateError(tiktok(tiktokKind, { logId: 'LOG123', retryAfterSeconds: 7 }))!;
    expect(t).toMatchObject({ kind, code, retryable });
    expect(t.details).toMatchObject({ tiktokLogId: 'LOG123' });
    expect(httpAnswerOf(t)).toEqual({ status, headers: tiktokKind === 'rate_limited' ? { 'retry-after': '7' } : {} });
  });
});

describe('httpAnswerOf (the HTTP edge)', () => {
  it.each([
    [new ValidationError('bad', 'x'), 400, {}],
    [new UnauthorizedError(), 401, { 'www-authenticate': 'Bearer' }],
    [new AppError('unauthorized', 'invalid_signature', 'bad signature'), 401, {}],
    [new NotFoundError('gone'), 404, {}],
    [new ConflictError('run_exists', 'exists'), 409, {}],
    [new PayloadTooLargeError(10), 413, {}],
    [new AppError('unsupported_format', 'unsupported_media_type', 'json please'), 415, {}],
    [new RateLimitedError(60, 9), 429, { 'retry-after': '9' }],
    [new AppError('unavailable', 'token_refresh_busy', 'busy', { retryAfterSeconds: 5 }), 503, { 'retry-after': '5' }],
  ] as const)('%s -> %i', (err, status, headers) => {
    expect(httpAnswerOf(err)).toEqual({ status, headers });
  });

  it('says when a retry can help from the kind, unless the error says otherwise', () => {
    expect(new AppError('upstream', 'x', 'y').retryable).toBe(true);
    expect(new AppError('invalid', 'x', 'y').retryable).toBe(false);
    expect(new AppError('upstream', 'x', 'y', { retryable: false }).retryable).toBe(false);
    expect(new RateLimitedError(60, 9).details).toEqual({ requestsPerMinute: 60, retryAfterSeconds: 9 });
  });
});
