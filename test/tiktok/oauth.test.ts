/** Unit tests of the Login Kit steps against a scripted fetch: exact URLs, bodies and TokenSet maths. */
import { describe, expect, it } from 'vitest';
import { TikTokError, createTikTokClient, pkceChallenge } from '../../shared/tiktok/index.ts';
import { failure } from './failure.ts';
import { FAKE_SECRET, fakeClient, fakeFetch, tokenBody } from './fake-fetch.ts';

const CHALLENGE = pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');

describe('buildAuthorizeUrl', () => {
  const client = fakeClient(fakeFetch([]));

  it('builds TikTok v2 authorize URL with exact params, comma-joined scopes and S256', () => {
    const url = client.buildAuthorizeUrl({
      scopes: ['user.info.basic', 'user.info.stats', 'video.list'],
      redirectUri: 'https://app.example.com/v1/oauth/callback',
      state: 'st/ate+1',
      codeChallenge: CHALLENGE,
    });
    expect(url).toBe(
      'https://www.tiktok.com/v2/auth/authorize/?client_key=ck&scope=user.info.basic,user.info.stats,video.list' +
        '&response_type=code&redirect_uri=https%3A%2F%2Fapp.example.com%2Fv1%2Foauth%2Fcallback&state=st%2Fate%2B1' +
        `&code_challenge=${CHALLENGE}&code_challenge_method=S256`,
    );
    const params = new URL(url).searchParams;
    expect([...params.keys()]).toEqual(['client_key', 'scope', 'response_type', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']);
    expect(params.get('state')).toBe('st/ate+1');
  });

  it('keeps a base path (the sandbox mount) and drops trailing slashes of the base', () => {
    const c = createTikTokClient({ clientKey: 'ck', clientSecret: 's', authBaseUrl: 'http://127.0.0.1:3000/sandbox/tiktok/', apiBaseUrl: 'http://127.0.0.1:3000/sandbox/tiktok' });
    const url = c.buildAuthorizeUrl({ scopes: ['video.list'], redirectUri: 'http://127.0.0.1:3000/cb', state: 's', codeChallenge: CHALLENGE });
    expect(url.startsWith('http://127.0.0.1:3000/sandbox/tiktok/v2/auth/authorize/?client_key=ck&scope=video.list&')).toBe(true);
  });

  it('refuses requests TikTok would reject', () => {
    const base = { scopes: ['video.list'], redirectUri: 'https://a.example/cb', state: 's', codeChallenge: CHALLENGE };
    expect(() => client.buildAuthorizeUrl({ ...base, scopes: [] })).toThrow(TypeError);
    expect(() => client.buildAuthorizeUrl({ ...base, scopes: ['a,b'] })).toThrow(TypeError);
    expect(() => client.buildAuthorizeUrl({ ...base, redirectUri: '/relative' })).toThrow(TypeError);
    expect(() => client.buildAuthorizeUrl({ ...base, redirectUri: 'https://a.example/cb#frag' })).toThrow(TypeError);
    expect(() => client.buildAuthorizeUrl({ ...base, state: '' })).toThrow(TypeError);
    expect(() => client.buildAuthorizeUrl({ ...base, codeChallenge: 'too-short' })).toThrow(TypeError);
  });

  it('validates the configuration', () => {
    const cfg = { clientKey: 'ck', clientSecret: 's', authBaseUrl: 'https://www.tiktok.com', apiBaseUrl: 'https://open.tiktokapis.com' };
    expect(() => createTikTokClient({ ...cfg, apiBaseUrl: 'open.tiktokapis.com' })).toThrow(TypeError);
    expect(() => createTikTokClient({ ...cfg, authBaseUrl: 'https://www.tiktok.com/?x=1' })).toThrow(TypeError);
    expect(() => createTikTokClient({ ...cfg, clientSecret: '' })).toThrow(TypeError);
    expect(() => createTikTokClient({ ...cfg, timeoutMs: 0 })).toThrow(TypeError);
    expect(() => createTikTokClient({ ...cfg, retry: { retries: 1, minDelayMs: 10, maxDelayMs: 5 } })).toThrow(TypeError);
  });
});

describe('token calls', () => {
  it('exchanges a code with a form-urlencoded POST to /v2/oauth/token/ and computes expiries from the response', async () => {
    const f = fakeFetch([{ status: 200, body: tokenBody }]);
    const client = fakeClient(f, { now: () => 1_000_000 });
    const tokens = await client.exchangeCode({ code: 'c0de*0!12.va', redirectUri: 'https://a.example/cb', codeVerifier: 'v'.repeat(43) });
    expect(tokens).toEqual({
      accessToken: 'act.fake-access-token',
      refreshToken: 'rft.fake-refresh-token',
      openId: 'open-1',
      scopes: ['user.info.basic', 'video.list'],
      accessTokenExpiresAt: 1_000_000 + 7200 * 1000,
      refreshTokenExpiresAt: 1_000_000 + 15552000 * 1000,
      tokenType: 'Bearer',
    });
    const [req] = f.requests;
    expect(req!.url).toBe('https://open.tiktokapis.com/v2/oauth/token/');
    expect(req!.method).toBe('POST');
    expect(req!.headers.get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(req!.body))).toEqual({
      client_key: 'ck',
      client_secret: FAKE_SECRET,
      code: 'c0de*0!12.va',
      grant_type: 'authorization_code',
      redirect_uri: 'https://a.example/cb',
      code_verifier: 'v'.repeat(43),
    });
  });

  it('refreshes with grant_type=refresh_token and client_key (never client_id)', async () => {
    const f = fakeFetch([{ status: 200, body: { ...tokenBody, expires_in: 86400, refresh_expires_in: 31536000 } }]);
    const tokens = await fakeClient(f, { now: () => 0 }).refreshToken('rft.old');
    expect(tokens.accessTokenExpiresAt).toBe(86_400_000);
    expect(tokens.refreshTokenExpiresAt).toBe(31_536_000_000);
    expect(Object.fromEntries(new URLSearchParams(f.requests[0]!.body))).toEqual({
      client_key: 'ck',
      client_secret: FAKE_SECRET,
      grant_type: 'refresh_token',
      refresh_token: 'rft.old',
    });
  });

  it('revokes with token=<access token> and accepts an empty or {} body', async () => {
    const f = fakeFetch([{ status: 200, body: {} }, { status: 200 }]);
    const client = fakeClient(f);
    await client.revokeToken('act.1');
    await client.revokeToken('act.2');
    expect(f.requests.map((r) => [r.url, new URLSearchParams(r.body).get('token')])).toEqual([
      ['https://open.tiktokapis.com/v2/oauth/revoke/', 'act.1'],
      ['https://open.tiktokapis.com/v2/oauth/revoke/', 'act.2'],
    ]);
  });

  it('detects OAuth errors by the error key even with HTTP 200', async () => {
    const f = fakeFetch([{ status: 200, body: { error: 'invalid_grant', error_description: 'Authorization code is expired.', log_id: 'L1' } }]);
    const err = await fakeClient(f).exchangeCode({ code: 'c', redirectUri: 'https://a.example/cb', codeVerifier: 'v'.repeat(43) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TikTokError);
    expect(err).toMatchObject({ kind: 'invalid_grant', tiktokCode: 'invalid_grant', httpStatus: 200, logId: 'L1', endpoint: '/v2/oauth/token/' });
  });

  it('treats a token response missing fields as upstream, never as a TokenSet', async () => {
    const f = fakeFetch([{ status: 200, body: { access_token: 'act.x', expires_in: 10 } }]);
    await expect(fakeClient(f).refreshToken('rft.x')).rejects.toMatchObject({ kind: 'upstream', tiktokCode: 'malformed_response' });
  });

  it('never puts the client secret, code, verifier or tokens into error messages, even when TikTok echoes them', async () => {
    const code = 'secret-code*0!99.va';
    const verifier = 'v'.repeat(43);
    // The worst case: TikTok's error_description repeats the whole form it received.
    const f = fakeFetch((req) => ({ status: 400, body: { error: 'invalid_request', error_description: `bad request ${req.body}`, log_id: 'L' } }));
    const client = fakeClient(f);
    const errors = [
      await failure(client.exchangeCode({ code, redirectUri: 'https://a.example/cb', codeVerifier: verifier })),
      await failure(client.refreshToken('opaque-refresh-456')),
      await failure(client.revokeToken('opaque-access-123')),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(TikTokError);
      const text = `${e.message} ${JSON.stringify(e)}`;
      for (const secret of [code, verifier, FAKE_SECRET, 'opaque-refresh-456', 'opaque-access-123']) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(new URLSearchParams({ s: secret }).toString().slice(2));
      }
      expect(e.message).toContain('invalid_request');
      expect(e.message).toContain('client_key=ck');
    }
  });

  it('masks TikTok-shaped tokens it did not send', async () => {
    const f = fakeFetch([{ status: 400, body: { error: 'invalid_grant', error_description: 'see act.someoneElsesToken99 and rft.another1234' } }]);
    const e = await failure(fakeClient(f).refreshToken('rft.mine-0000'));
    expect(e.message).not.toMatch(/someoneElsesToken99|another1234/);
  });
});
