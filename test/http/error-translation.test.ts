import { describe, expect, it } from 'vitest';
import { Cloud9QLError } from '../../shared/cloud9ql/errors.ts';
import { AppError } from '../../shared/errors.ts';
import { translateError } from '../../shared/http/error-translation.ts';

function named(name: string, props: Record<string, unknown>): Error {
  const e = new Error(String(props.message ?? name));
  e.name = name;
  return Object.assign(e, props);
}

describe('translateError', () => {
  it('passes AppErrors through and leaves unknown errors to the 500 path', () => {
    const e = new AppError(409, 'x', 'y');
    expect(translateError(e)).toBe(e);
    expect(translateError(new Error('boom'))).toBeUndefined();
    expect(translateError('string')).toBeUndefined();
  });

  it('maps Cloud9QL errors to 422 with line and column', () => {
    const t = translateError(named('Cloud9QLError', { message: 'Unknown function foo', line: 1, column: 8, code: 'unknown_function' }))!;
    expect(t.status).toBe(422);
    expect(t.code).toBe('cloud9ql_error');
    expect(t.field).toBe('cloud9ql');
    expect(t.details).toMatchObject({ line: 1, column: 8 });
  });

  it('maps the real Cloud9QLError (itself an AppError) to the one 422 code, naming the field and position', () => {
    const t = translateError(new Cloud9QLError('syntax_error', 'Unbalanced parentheses (line 2, column 5)', 2, 5))!;
    expect(t.status).toBe(422);
    expect(t.code).toBe('cloud9ql_error');
    expect(t.field).toBe('cloud9ql');
    expect(t.details).toMatchObject({ line: 2, column: 5, reason: 'syntax_error' });
  });

  it('defaults Retry-After to 60 s when TikTok sent none', () => {
    const t = translateError(named('TikTokError', { kind: 'rate_limited' }))!;
    expect(t.status).toBe(429);
    expect(t.headers).toEqual({ 'retry-after': '60' });
  });

  it.each([
    ['rate_limited', 429, 'tiktok_rate_limited'],
    ['timeout', 504, 'tiktok_timeout'],
    ['upstream', 502, 'tiktok_error'],
    ['scope_not_authorized', 403, 'scope_not_granted'],
    ['invalid_grant', 409, 'needs_reauth'],
    ['token_invalid', 409, 'needs_reauth'],
    ['invalid_params', 400, 'tiktok_invalid_params'],
  ])('maps TikTok %s to %i %s, keeping the log id', (kind, status, code) => {
    const t = translateError(named('TikTokError', { kind, logId: 'LOG123', retryAfterSeconds: 7 }))!;
    expect(t.status).toBe(status);
    expect(t.code).toBe(code);
    expect(t.details).toMatchObject({ tiktokLogId: 'LOG123' });
    if (kind === 'rate_limited') expect(t.headers).toEqual({ 'retry-after': '7' });
  });
});
