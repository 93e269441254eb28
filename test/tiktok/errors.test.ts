/** TikTok's two error shapes → TikTokError kinds, keeping log_id and Retry-After. */
import { describe, expect, it } from 'vitest';
import { isTikTokError, type TikTokErrorKind } from '../../shared/tiktok/index.ts';
import { parseRetryAfter, scrub } from '../../shared/tiktok/errors.ts';
import { failure } from './failure.ts';
import { displayError, fakeClient, fakeFetch, ok, type Scripted } from './fake-fetch.ts';

const noRetry = { retries: 0, minDelayMs: 0, maxDelayMs: 0 };

const userInfoFailure = (answer: Scripted) => failure(fakeClient(fakeFetch([answer]), { retry: noRetry }).getUserInfo('act.t', ['open_id']));

describe('Display API error envelope', () => {
  it.each<[string, number, TikTokErrorKind]>([
    ['access_token_invalid', 401, 'token_invalid'],
    ['scope_not_authorized', 401, 'scope_not_authorized'],
    ['scope_permission_missed', 400, 'scope_permission_missed'],
    ['invalid_params', 400, 'invalid_params'],
    ['rate_limit_exceeded', 429, 'rate_limited'],
    ['internal_error', 500, 'upstream'],
  ])('%s (HTTP %i) → %s, keeping log_id', async (code, status, kind) => {
    const e = await userInfoFailure(displayError(status, code));
    expect(e).toMatchObject({ kind, tiktokCode: code, httpStatus: status, logId: `LOG-${code}`, endpoint: '/v2/user/info/' });
    expect(e.message).toContain(code);
    expect(e.message).toContain(`LOG-${code}`);
    expect(isTikTokError(e, kind)).toBe(true);
  });

  it('maps an unknown code by status', async () => {
    expect((await userInfoFailure(displayError(503, 'something_new'))).kind).toBe('upstream');
    expect((await userInfoFailure(displayError(429, 'slow_down'))).kind).toBe('rate_limited');
    expect((await userInfoFailure(displayError(400, 'something_new'))).kind).toBe('upstream');
  });

  it('keeps Retry-After seconds from the header', async () => {
    const e = await userInfoFailure(displayError(429, 'rate_limit_exceeded', { 'retry-after': '7' }));
    expect(e.retryAfterSeconds).toBe(7);
  });

  it('treats a body that is not the envelope as upstream (5xx, HTML, ok with error status)', async () => {
    expect(await userInfoFailure({ status: 502, body: '<html>Bad gateway</html>' })).toMatchObject({ kind: 'upstream', tiktokCode: 'http_502', httpStatus: 502 });
    expect(await userInfoFailure({ status: 200, body: '{"data":' })).toMatchObject({ kind: 'upstream', tiktokCode: 'malformed_response' });
    expect(await userInfoFailure({ status: 200, body: { data: {} } })).toMatchObject({ kind: 'upstream', tiktokCode: 'malformed_response' });
    expect(await userInfoFailure({ status: 500, body: { data: {}, error: { code: 'ok', message: '' } } })).toMatchObject({ kind: 'upstream' });
    expect(await userInfoFailure({ status: 429 })).toMatchObject({ kind: 'rate_limited', tiktokCode: 'http_429' });
  });

  it('refuses an ok envelope whose data lacks what the endpoint promises', async () => {
    const client = (answer: Scripted) => fakeClient(fakeFetch([answer]), { retry: noRetry });
    const bad = [
      client(ok({})).getUserInfo('act.t', ['open_id']),
      client(ok({ videos: [{ id: '1' }], has_more: true })).listVideos('act.t', ['id'], {}),
      client(ok({ videos: [], cursor: '5', has_more: false })).listVideos('act.t', ['id'], {}),
      client(ok({ video: [] })).queryVideos('act.t', ['id'], ['1']),
    ];
    for (const call of bad) expect(await failure(call)).toMatchObject({ kind: 'upstream', tiktokCode: 'malformed_response', httpStatus: 200 });
  });

  it('reports network failures as upstream and says whether the connection was ever made', async () => {
    const refused = await userInfoFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }));
    expect(refused).toMatchObject({ kind: 'upstream', tiktokCode: 'connect_failed' });
    expect(refused.httpStatus).toBeUndefined();
    const reset = await userInfoFailure(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }));
    expect(reset).toMatchObject({ kind: 'upstream', tiktokCode: 'network_error' });
  });

  it('scrubs the bearer token if TikTok echoes it', async () => {
    const e = await userInfoFailure({ status: 401, body: { data: {}, error: { code: 'access_token_invalid', message: 'token act.t is bad' } } });
    expect(e.message).not.toContain('act.t ');
  });
});

describe('OAuth errors', () => {
  const refreshFailure = (answer: Scripted) => failure(fakeClient(fakeFetch([answer])).refreshToken('rft.x'));

  it.each<[string, number, TikTokErrorKind]>([
    ['invalid_grant', 400, 'invalid_grant'],
    ['invalid_client', 401, 'oauth_error'],
    ['invalid_request', 400, 'oauth_error'],
    ['invalid_scope', 400, 'oauth_error'],
    ['unsupported_grant_type', 400, 'oauth_error'],
    ['rate_limit_exceeded', 429, 'rate_limited'],
    ['internal_error', 500, 'upstream'],
  ])('%s (HTTP %i) → %s', async (error, status, kind) => {
    const e = await refreshFailure({ status, body: { error, error_description: 'd', log_id: 'LID' } });
    expect(e).toMatchObject({ kind, tiktokCode: error, httpStatus: status, logId: 'LID', endpoint: '/v2/oauth/token/' });
  });

  it('reads a Display-style envelope on a token endpoint too', async () => {
    const e = await refreshFailure(displayError(429, 'rate_limit_exceeded'));
    expect(e).toMatchObject({ kind: 'rate_limited', tiktokCode: 'rate_limit_exceeded' });
  });

  it('treats an error status without an error body as upstream', async () => {
    expect(await refreshFailure({ status: 503 })).toMatchObject({ kind: 'upstream', tiktokCode: 'http_503' });
  });
});

describe('helpers', () => {
  it('parses Retry-After as seconds or HTTP-date', () => {
    const now = Date.parse('2024-06-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Sat, 01 Jun 2024 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 31 May 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('bounds and scrubs text', () => {
    expect(scrub('x'.repeat(1000), [])).toHaveLength(301);
    expect(scrub('a hunter22 b', ['hunter22'])).toBe('a [REDACTED] b');
  });
});
