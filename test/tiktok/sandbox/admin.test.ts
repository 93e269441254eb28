/** The sandbox's knobs over HTTP (/admin/...) and its mounting contract. */
import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TikTokError } from '../../../shared/tiktok/index.ts';
import { createTikTokSandbox } from '../../../shared/tiktok/sandbox/index.ts';
import { CLIENT_KEY, CLIENT_SECRET, callsTo, connect, startSandbox, type SandboxEnv } from '../helpers.ts';

let env: SandboxEnv;
beforeAll(async () => {
  env = await startSandbox({ accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 7200 });
});
afterAll(() => env.close());
beforeEach(() => env.sandbox.reset());

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${env.baseUrl}/admin/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('admin endpoints', () => {
  it('lists accounts and calls', async () => {
    const { json } = await admin('GET', 'accounts');
    expect(json.accounts).toEqual(env.sandbox.accounts());
    await fetch(`${env.baseUrl}/v2/user/info/?fields=open_id`);
    const calls = (await admin('GET', 'calls')).json.calls as Array<{ endpoint: string; method: string; status: number; at: number }>;
    expect(calls).toEqual([{ endpoint: '/v2/user/info/', method: 'GET', status: 401, at: expect.any(Number) }]);
    expect((await admin('DELETE', 'calls')).status).toBe(200);
    expect(env.sandbox.callLog()).toEqual([]);
  });

  it('injects faults (one or a list) and clears them', async () => {
    expect((await admin('POST', 'faults', [{ endpoint: 'user/info', status: 503 }, { endpoint: '/v2/video/list/', status: 429, retryAfterSeconds: 3 }])).status).toBe(200);
    const info = await fetch(`${env.baseUrl}/v2/user/info/?fields=open_id`);
    expect(info.status).toBe(503);
    expect(((await info.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    const list = await fetch(`${env.baseUrl}/v2/video/list/?fields=id`, { method: 'POST' });
    expect([list.status, list.headers.get('retry-after')]).toEqual([429, '3']);
    await admin('POST', 'faults', { status: 500, count: 3 });
    expect((await fetch(`${env.baseUrl}/v2/auth/authorize/?client_key=x`)).status).toBe(400); // the consent page is not an API endpoint
    expect((await fetch(`${env.baseUrl}/v2/oauth/revoke/`, { method: 'POST' })).status).toBe(500);
    await admin('DELETE', 'faults');
    expect((await fetch(`${env.baseUrl}/v2/user/info/?fields=open_id`)).status).toBe(401); // back to the real answer
  });

  it('injects OAuth-shaped faults on token endpoints', async () => {
    await admin('POST', 'faults', { endpoint: 'oauth/token', status: 429 });
    const res = await fetch(`${env.baseUrl}/v2/oauth/token/`, { method: 'POST' });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ error: 'rate_limit_exceeded', log_id: expect.any(String) });
  });

  it('sets token lifetimes, expires access and revokes refresh tokens', async () => {
    await admin('POST', 'token-lifetimes', { accessSeconds: 5, refreshSeconds: 9 });
    const c = env.client();
    const t = await connect(env, c, { openId: env.openId(5) });
    expect(t.accessTokenExpiresAt - Date.now()).toBeLessThanOrEqual(5_000);
    await admin('POST', 'expire-access', { openId: env.openId(5) });
    await expect(c.getUserInfo(t.accessToken, ['open_id'])).rejects.toMatchObject({ kind: 'token_invalid' });
    await admin('POST', 'revoke-refresh', {});
    await expect(c.refreshToken(t.refreshToken)).rejects.toMatchObject({ kind: 'invalid_grant' });
  });

  it('sets the rate limit; reset restores the options', async () => {
    await admin('POST', 'rate-limit', { perMinute: 1 });
    const t = await connect(env, env.client(), { openId: env.openId(0) });
    const c = env.client({ retry: { retries: 0, minDelayMs: 0, maxDelayMs: 0 } });
    await c.getUserInfo(t.accessToken, ['open_id']);
    await expect(c.getUserInfo(t.accessToken, ['open_id'])).rejects.toMatchObject({ kind: 'rate_limited' });
    await admin('POST', 'reset');
    const t2 = await connect(env, env.client(), { openId: env.openId(0) });
    expect(t2.accessTokenExpiresAt - Date.now()).toBeGreaterThan(3_000_000); // 3600 s from the options again
    await c.getUserInfo(t2.accessToken, ['open_id']);
    await expect(c.getUserInfo(t2.accessToken, ['open_id'])).resolves.toBeDefined();
    const old = await c.getUserInfo(t.accessToken, ['open_id']).catch((e: unknown) => e);
    expect(old).toBeInstanceOf(TikTokError); // reset forgot the tokens
  });

  it('answers 400 for bad knob bodies and 404 for unknown admin routes', async () => {
    expect((await admin('POST', 'faults', { status: 404 })).status).toBe(400);
    expect((await admin('POST', 'faults', { endpoint: 'nope/nope' })).status).toBe(400);
    expect((await admin('POST', 'token-lifetimes', { accessSeconds: -1, refreshSeconds: 1 })).status).toBe(400);
    expect((await admin('GET', 'nothing')).status).toBe(404);
  });
});

describe('mounting', () => {
  it('returns false for paths that are not the sandbox', async () => {
    const sandbox = createTikTokSandbox({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET });
    const req = Object.assign(Readable.from([]), { method: 'GET', url: '/v1/health', headers: {} }) as unknown as IncomingMessage;
    expect(await sandbox.handle(req, {} as ServerResponse, '/v1/health')).toBe(false);
  });

  it('answers token endpoint misuse like an OAuth server', async () => {
    expect((await fetch(`${env.baseUrl}/v2/oauth/token/`)).status).toBe(405);
    const json = await fetch(`${env.baseUrl}/v2/oauth/token/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect([json.status, ((await json.json()) as { error: string }).error]).toEqual([400, 'invalid_request']);
    const grant = await fetch(`${env.baseUrl}/v2/oauth/token/`, {
      method: 'POST',
      body: new URLSearchParams({ client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'password' }),
    });
    expect(((await grant.json()) as { error: string }).error).toBe('unsupported_grant_type');
    expect(callsTo(env, '/v2/oauth/token/')).toBe(3);
  });
});
