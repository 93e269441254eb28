/** Contract: the client's Login Kit calls against the sandbox (start, consent, exchange, refresh, revoke). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPkceVerifier, pkceChallenge } from '../../shared/tiktok/index.ts';
import { failure } from './failure.ts';
import { CODE_TTL_MS } from '../../shared/tiktok/sandbox/index.ts';
import { REDIRECT_URI, callsTo, connect, consent, startSandbox, type SandboxEnv } from './helpers.ts';

const clock = { t: Date.parse('2025-01-01T00:00:00Z') };
let env: SandboxEnv;

beforeAll(async () => {
  env = await startSandbox({ now: () => clock.t });
});
afterAll(() => env.close());
beforeEach(() => env.sandbox.reset());

const client = () => env.client({ now: () => clock.t });

async function codeAndVerifier(extra: { redirectUri?: string } = {}) {
  const verifier = createPkceVerifier();
  const callback = await consent(env, client(), { openId: env.openId(5), codeChallenge: pkceChallenge(verifier), ...extra });
  return { code: callback.get('code')!, verifier, callback };
}

describe('authorization code flow', () => {
  it('approves, exchanges the code and returns a TokenSet with expiries from the response', async () => {
    const { code, verifier, callback } = await codeAndVerifier();
    expect(callback.get('state')).toBe('state-123');
    expect(callback.get('scopes')).toBe('user.info.basic,user.info.profile,user.info.stats,video.list');
    expect(code).toMatch(/[*!]/); // TikTok-like codes need URL-decoding: the callback round-trip proves it works
    const tokens = await client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier });
    expect(tokens).toMatchObject({
      openId: env.openId(5),
      scopes: ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'],
      // TikTok's current lifetimes (the sandbox defaults): 2 h and 180 days.
      accessTokenExpiresAt: clock.t + 7_200_000,
      refreshTokenExpiresAt: clock.t + 180 * 86_400_000,
      tokenType: 'Bearer',
    });
    expect(tokens.accessToken).toMatch(/^act\./);
    expect(tokens.refreshToken).toMatch(/^rft\./);
  });

  it('grants only the scopes ticked on the consent page', async () => {
    const tokens = await connect(env, client(), { openId: env.openId(437), grant: ['user.info.basic', 'video.list'] });
    expect(tokens.scopes).toEqual(['user.info.basic', 'video.list']);
  });

  it('redirects a denial with error=access_denied and the state, without a code', async () => {
    const callback = await consent(env, client(), { openId: env.openId(0), decision: 'deny', state: 'deny-state' });
    expect(Object.fromEntries(callback)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied the authorization request.',
      state: 'deny-state',
    });
  });

  it('spends a code on first use: a replay is invalid_grant and revokes what the code issued', async () => {
    const { code, verifier } = await codeAndVerifier();
    const tokens = await client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier });
    const replay = await failure(client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier }));
    expect(replay).toMatchObject({ kind: 'invalid_grant', tiktokCode: 'invalid_grant', httpStatus: 400, endpoint: '/v2/oauth/token/' });
    expect(replay.logId).toMatch(/^\d{14}/);
    expect((await failure(client().getUserInfo(tokens.accessToken, ['open_id']))).kind).toBe('token_invalid');
  });

  it('rejects an expired code (5 minutes) with invalid_grant', async () => {
    const { code, verifier } = await codeAndVerifier();
    clock.t += CODE_TTL_MS + 1;
    const e = await failure(client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier }));
    expect(e).toMatchObject({ kind: 'invalid_grant' });
    expect(e.message).toContain('expired');
  });

  it('rejects a redirect_uri that differs from the authorize request (invalid_grant)', async () => {
    const { code, verifier } = await codeAndVerifier();
    const e = await failure(client().exchangeCode({ code, redirectUri: `${REDIRECT_URI}/`, codeVerifier: verifier }));
    expect(e).toMatchObject({ kind: 'invalid_grant', tiktokCode: 'invalid_grant' });
    expect(e.message).toContain('Redirect URI');
  });

  it('rejects a wrong PKCE verifier with invalid_request', async () => {
    const { code } = await codeAndVerifier();
    const e = await failure(client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: createPkceVerifier() }));
    expect(e).toMatchObject({ kind: 'oauth_error', tiktokCode: 'invalid_request', httpStatus: 400 });
    expect(e.message).toContain('Code verifier or code challenge is invalid');
  });

  it('rejects a wrong client secret with invalid_client (401)', async () => {
    const { code, verifier } = await codeAndVerifier();
    const e = await failure(env.client({ clientSecret: 'wrong-secret' }).exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier }));
    expect(e).toMatchObject({ kind: 'oauth_error', tiktokCode: 'invalid_client', httpStatus: 401 });
    expect(e.message).not.toContain('wrong-secret');
  });

  it('never retries the code exchange, even on a 500', async () => {
    const { code, verifier } = await codeAndVerifier();
    env.sandbox.injectFaults({ endpoint: '/v2/oauth/token/', status: 500, count: 5 });
    const e = await failure(client().exchangeCode({ code, redirectUri: REDIRECT_URI, codeVerifier: verifier }));
    expect(e).toMatchObject({ kind: 'upstream', httpStatus: 500 });
    expect(callsTo(env, '/v2/oauth/token/')).toBe(1);
  });
});

describe('PKCE challenge encodings', () => {
  it('accepts a hex challenge when the sandbox is configured for hex, and refuses base64url then', async () => {
    const hexEnv = await startSandbox({ pkceChallengeEncoding: 'hex' });
    try {
      const c = hexEnv.client();
      const ok = createPkceVerifier();
      const cb = await consent(hexEnv, c, { openId: hexEnv.openId(5), codeChallenge: pkceChallenge(ok, 'hex') });
      await expect(c.exchangeCode({ code: cb.get('code')!, redirectUri: REDIRECT_URI, codeVerifier: ok })).resolves.toMatchObject({ openId: hexEnv.openId(5) });
      const bad = createPkceVerifier();
      const cb2 = await consent(hexEnv, c, { openId: hexEnv.openId(5), codeChallenge: pkceChallenge(bad, 'base64url') });
      await expect(c.exchangeCode({ code: cb2.get('code')!, redirectUri: REDIRECT_URI, codeVerifier: bad })).rejects.toMatchObject({ tiktokCode: 'invalid_request' });
    } finally {
      await hexEnv.close();
    }
  });
});

describe('refresh and revoke', () => {
  it('rotates the refresh token: the new one works, the old one is invalid_grant', async () => {
    const first = await connect(env, client(), { openId: env.openId(437) });
    env.sandbox.setTokenLifetimes(60, 120);
    clock.t += 1_000;
    const second = await client().refreshToken(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second).toMatchObject({ accessTokenExpiresAt: clock.t + 60_000, refreshTokenExpiresAt: clock.t + 120_000, openId: first.openId, scopes: first.scopes });
    expect((await failure(client().refreshToken(first.refreshToken))).kind).toBe('invalid_grant');
    await expect(client().getUserInfo(second.accessToken, ['open_id'])).resolves.toMatchObject({ data: { user: { open_id: first.openId } } });
    await expect(client().refreshToken(second.refreshToken)).resolves.toMatchObject({ openId: first.openId });
  });

  it('expires access tokens after their lifetime; a refresh brings access back', async () => {
    env.sandbox.setTokenLifetimes(2, 10);
    const tokens = await connect(env, client(), { openId: env.openId(5) });
    await expect(client().getUserInfo(tokens.accessToken, ['open_id'])).resolves.toBeDefined();
    clock.t += 2_000;
    expect(await failure(client().getUserInfo(tokens.accessToken, ['open_id']))).toMatchObject({ kind: 'token_invalid', tiktokCode: 'access_token_invalid', httpStatus: 401 });
    const fresh = await client().refreshToken(tokens.refreshToken);
    await expect(client().getUserInfo(fresh.accessToken, ['open_id'])).resolves.toBeDefined();
    clock.t += 10_000;
    expect((await failure(client().refreshToken(fresh.refreshToken))).kind).toBe('invalid_grant');
  });

  it('revoke invalidates both the access and the refresh token', async () => {
    const tokens = await connect(env, client(), { openId: env.openId(5) });
    await client().revokeToken(tokens.accessToken);
    expect((await failure(client().getUserInfo(tokens.accessToken, ['open_id']))).kind).toBe('token_invalid');
    expect((await failure(client().refreshToken(tokens.refreshToken))).kind).toBe('invalid_grant');
    await expect(client().revokeToken(tokens.accessToken)).resolves.toBeUndefined(); // RFC 7009: idempotent
  });

  it('knobs: revoked refresh tokens and expired access tokens, per account', async () => {
    const a = await connect(env, client(), { openId: env.openId(5) });
    const b = await connect(env, client(), { openId: env.openId(437) });
    env.sandbox.revokeRefreshTokens(env.openId(5));
    env.sandbox.expireAccessTokens(env.openId(437));
    expect((await failure(client().refreshToken(a.refreshToken))).kind).toBe('invalid_grant');
    await expect(client().getUserInfo(a.accessToken, ['open_id'])).resolves.toBeDefined();
    expect((await failure(client().getUserInfo(b.accessToken, ['open_id']))).kind).toBe('token_invalid');
    await expect(client().refreshToken(b.refreshToken)).resolves.toBeDefined();
  });

  it('retries a refresh only when the connection is refused, reaching the token endpoint once', async () => {
    const tokens = await connect(env, client(), { openId: env.openId(5) });
    const closedPort = await freePort();
    let attempts = 0;
    const refusedFirst: typeof fetch = (input, init) => {
      attempts += 1;
      return attempts === 1 ? fetch(`http://127.0.0.1:${closedPort}/v2/oauth/token/`, init) : fetch(input, init);
    };
    env.sandbox.resetCallLog();
    await expect(env.client({ fetch: refusedFirst }).refreshToken(tokens.refreshToken)).resolves.toMatchObject({ openId: tokens.openId });
    expect(attempts).toBe(2);
    expect(callsTo(env, '/v2/oauth/token/')).toBe(1);
  });
});

/** A port nothing listens on: bind, read, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
