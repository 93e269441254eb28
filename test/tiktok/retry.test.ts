/** Retry rules: reads back off and retry, token calls never retry once TikTok may have seen them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TikTokError, type RetryEvent } from '../../shared/tiktok/index.ts';
import { backoffDelayMs, retryDelayMs } from '../../shared/tiktok/retry.ts';
import { displayError, fakeClient, fakeFetch, ok, socketError, tokenBody } from './fake-fetch.ts';

const policy = { retries: 3, minDelayMs: 1, maxDelayMs: 10 };
const exchange = { code: 'c', redirectUri: 'https://a.example/cb', codeVerifier: 'v'.repeat(43) };

function hangingFetch(): { fetch: typeof fetch; calls: () => number } {
  let calls = 0;
  const impl = (_url: unknown, init: RequestInit = {}) => {
    calls += 1;
    return new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    });
  };
  return { fetch: impl as typeof fetch, calls: () => calls };
}

describe('reads', () => {
  it('succeed after one 429 with exactly one retry', async () => {
    const f = fakeFetch([displayError(429, 'rate_limit_exceeded'), ok({ user: { open_id: 'o' } })]);
    const retries: RetryEvent[] = [];
    const res = await fakeClient(f, { onRetry: (e) => retries.push(e) }).getUserInfo('act.t', ['open_id']);
    expect(res.data.user.open_id).toBe('o');
    expect(f.requests).toHaveLength(2);
    expect(retries.map((r) => [r.endpoint, r.attempt, r.error.kind])).toEqual([['/v2/user/info/', 1, 'rate_limited']]);
  });

  it('fail with a typed error after 1 + retries attempts of persistent 5xx', async () => {
    const f = fakeFetch(() => displayError(500, 'internal_error'));
    const e = await fakeClient(f, { retry: policy }).listVideos('act.t', ['id'], {}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(TikTokError);
    expect(e).toMatchObject({ kind: 'upstream', tiktokCode: 'internal_error', httpStatus: 500, endpoint: '/v2/video/list/' });
    expect(f.requests).toHaveLength(4);
  });

  it('retry network errors, not client errors', async () => {
    const f1 = fakeFetch([socketError('UND_ERR_SOCKET'), socketError('ECONNREFUSED'), ok({ videos: [] })]);
    await fakeClient(f1).queryVideos('act.t', ['id'], ['1']);
    expect(f1.requests).toHaveLength(3);
    for (const [status, code] of [[400, 'invalid_params'], [401, 'access_token_invalid'], [401, 'scope_not_authorized'], [400, 'scope_permission_missed']] as const) {
      const f = fakeFetch(() => displayError(status, code));
      await expect(fakeClient(f).getUserInfo('act.t', ['open_id'])).rejects.toMatchObject({ tiktokCode: code });
      expect(f.requests).toHaveLength(1);
    }
  });

  it('honour a short Retry-After and give up at once on one longer than maxDelayMs', async () => {
    const retries: RetryEvent[] = [];
    const f1 = fakeFetch([displayError(429, 'rate_limit_exceeded', { 'retry-after': '0' }), ok({ user: {} })]);
    await fakeClient(f1, { onRetry: (e) => retries.push(e) }).getUserInfo('act.t', ['open_id']);
    expect(f1.requests).toHaveLength(2);
    const f2 = fakeFetch(() => displayError(429, 'rate_limit_exceeded', { 'retry-after': '30' }));
    const e = await fakeClient(f2).getUserInfo('act.t', ['open_id']).catch((x: TikTokError) => x);
    expect(e).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 30 });
    expect(f2.requests).toHaveLength(1);
  });

  it('report a timeout as kind timeout, without retrying', async () => {
    const h = hangingFetch();
    const e = await fakeClient(fakeFetch([]), { fetch: h.fetch, timeoutMs: 20 }).getUserInfo('act.t', ['open_id']).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'timeout', tiktokCode: 'timeout', endpoint: '/v2/user/info/' });
    expect(h.calls()).toBe(1);
  });
});

describe('token calls', () => {
  it('never retry a code exchange, whatever the failure', async () => {
    for (const answer of [displayError(429, 'rate_limit_exceeded'), { status: 500, body: { error: 'internal_error' } }, socketError('ECONNREFUSED'), socketError('UND_ERR_SOCKET')]) {
      const f = fakeFetch(() => answer);
      await expect(fakeClient(f).exchangeCode(exchange)).rejects.toBeInstanceOf(TikTokError);
      expect(f.requests).toHaveLength(1);
    }
    const h = hangingFetch();
    await expect(fakeClient(fakeFetch([]), { fetch: h.fetch, timeoutMs: 20, tokenTimeoutMs: 20 }).exchangeCode(exchange)).rejects.toMatchObject({ kind: 'timeout' });
    expect(h.calls()).toBe(1);
  });

  it('token calls have their own, longer timeout (a lost refresh answer costs the refresh token)', async () => {
    const h = hangingFetch();
    const client = fakeClient(fakeFetch([]), { fetch: h.fetch, timeoutMs: 5, tokenTimeoutMs: 60 });
    const err = await client.refreshToken('rft.x').catch((x: unknown) => x);
    expect(err).toMatchObject({ kind: 'timeout', endpoint: '/v2/oauth/token/' });
    expect((err as Error).message).toContain('no response within 60 ms');
    expect(h.calls()).toBe(1);
  });

  it('retry a refresh only when the connection was never made', async () => {
    const f = fakeFetch([socketError('ECONNREFUSED'), socketError('ENOTFOUND'), { status: 200, body: tokenBody }]);
    await expect(fakeClient(f).refreshToken('rft.x')).resolves.toMatchObject({ accessToken: tokenBody.access_token });
    expect(f.requests).toHaveLength(3);
    for (const answer of [socketError('UND_ERR_SOCKET'), { status: 500 }, { status: 429, body: { error: 'rate_limit_exceeded' } }]) {
      const once = fakeFetch(() => answer);
      await expect(fakeClient(once).refreshToken('rft.x')).rejects.toBeInstanceOf(TikTokError);
      expect(once.requests).toHaveLength(1);
    }
  });

  it('retry a revoke only when the connection was never made', async () => {
    const f = fakeFetch([socketError('ECONNREFUSED'), { status: 200, body: {} }]);
    await fakeClient(f).revokeToken('act.x');
    expect(f.requests).toHaveLength(2);
    const once = fakeFetch(() => ({ status: 503 }));
    await expect(fakeClient(once).revokeToken('act.x')).rejects.toMatchObject({ kind: 'upstream' });
    expect(once.requests).toHaveLength(1);
  });
});

describe('backoff', () => {
  it('stays within [minDelayMs, maxDelayMs] and never shrinks below half the exponential ceiling', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, min, extra, r) => {
          const p = { retries: 5, minDelayMs: min, maxDelayMs: min + extra };
          const d = backoffDelayMs(n, p, () => r);
          const ceiling = Math.min(p.maxDelayMs, min * 2 ** (n + 1));
          return d >= min && d <= p.maxDelayMs && d >= Math.floor(ceiling / 2);
        },
      ),
    );
  });

  it('grows exponentially until the cap and is jittered', () => {
    const p = { retries: 5, minDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, p, () => 0))).toEqual([100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, p, () => 0.999999))).toEqual([200, 400, 800, 1000, 1000]);
  });

  it('waits at least Retry-After when it fits the cap', () => {
    const p = { retries: 5, minDelayMs: 100, maxDelayMs: 5000 };
    const e = (s?: number) => new TikTokError({ kind: 'rate_limited', endpoint: '/v2/user/info/', tiktokCode: 'rate_limit_exceeded', retryAfterSeconds: s });
    expect(retryDelayMs(e(2), 0, p, () => 0)).toBe(2000);
    expect(retryDelayMs(e(6), 0, p, () => 0)).toBeUndefined();
    expect(retryDelayMs(e(), 0, p, () => 0)).toBe(100);
  });
});
