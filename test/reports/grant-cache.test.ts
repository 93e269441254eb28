import { describe, expect, it } from 'vitest';
import type { GrantedDatasource } from '../../shared/reports/deps.ts';
import { ScopeNotGrantedError } from '../../shared/reports/errors.ts';
import { createGrantCache } from '../../shared/reports/grant-cache.ts';
import { TikTokError } from '../../shared/tiktok/index.ts';

const ref = { tenantId: 't1', datasourceId: 'ds1' };
const invalid = () => new TikTokError({ kind: 'token_invalid', endpoint: '/v2/user/info/', tiktokCode: 'access_token_invalid', httpStatus: 401 });

/** A stand-in token service: counts reads, refreshes once and retries once on token_invalid, like shared/tokens. */
function fakeTokenService(start: { token: string; scopes: string[]; expiresAt?: number }) {
  const state = { ...start, reads: 0, refreshes: 0 };
  const withAccessToken = async <T>(_r: typeof ref, fn: (t: string, d: GrantedDatasource) => Promise<T>): Promise<T> => {
    state.reads += 1;
    const ds = () => ({ scopes: state.scopes, accessTokenExpiresAt: state.expiresAt ?? 10_000_000 });
    try {
      return await fn(state.token, ds());
    } catch (err) {
      if (!(err instanceof TikTokError && err.kind === 'token_invalid')) throw err;
      state.refreshes += 1;
      state.token = `${state.token}+`;
      return fn(state.token, ds());
    }
  };
  return { state, withAccessToken };
}

describe('grant cache', () => {
  it('resolves once, then serves the remembered token until the TTL ends', async () => {
    let now = 1_000;
    const svc = fakeTokenService({ token: 'a', scopes: ['video.list'] });
    const cache = createGrantCache(svc.withAccessToken, { now: () => now, ttlMs: 100 });
    const seen: string[] = [];
    const use = () => cache.withAccessToken(ref, async (t) => void seen.push(t));
    await use();
    await use();
    now += 99;
    await use();
    expect(svc.state.reads).toBe(1);
    now += 1;
    await use();
    expect(svc.state.reads).toBe(2);
    expect(seen).toEqual(['a', 'a', 'a', 'a']);
  });

  it('never keeps a token past its expiry minus the margin', async () => {
    let now = 1_000;
    const svc = fakeTokenService({ token: 'a', scopes: [], expiresAt: 1_000 + 60_000 + 50 });
    const cache = createGrantCache(svc.withAccessToken, { now: () => now, ttlMs: 10_000, expiryMarginMs: 60_000 });
    await cache.withAccessToken(ref, async () => undefined);
    now += 50;
    await cache.withAccessToken(ref, async () => undefined);
    expect(svc.state.reads).toBe(2);
    // already inside the margin: not remembered at all
    const soon = fakeTokenService({ token: 'b', scopes: [], expiresAt: now + 1_000 });
    const c2 = createGrantCache(soon.withAccessToken, { now: () => now, expiryMarginMs: 60_000 });
    await c2.withAccessToken(ref, async () => undefined);
    expect(c2.size).toBe(0);
  });

  it('on token_invalid for a remembered token: one refresh, and the rejected token is not sent again', async () => {
    const svc = fakeTokenService({ token: 'a', scopes: [] });
    const cache = createGrantCache(svc.withAccessToken, { now: () => 0 });
    await cache.withAccessToken(ref, async () => undefined);
    const sent: string[] = [];
    const result = await cache.withAccessToken(ref, async (t) => {
      sent.push(t);
      if (t === 'a') throw invalid();
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(sent).toEqual(['a', 'a+']);
    expect(svc.state.refreshes).toBe(1);
    // the new token is what is remembered now
    await cache.withAccessToken(ref, async (t) => void sent.push(t));
    expect(sent.at(-1)).toBe('a+');
    expect(svc.state.reads).toBe(2);
  });

  it('re-reads before refusing on remembered scopes (the owner may have re-connected)', async () => {
    const svc = fakeTokenService({ token: 'a', scopes: ['user.info.basic'] });
    const cache = createGrantCache(svc.withAccessToken, { now: () => 0 });
    const needStats = (_t: string, d: GrantedDatasource) => {
      if (!d.scopes.includes('user.info.stats')) throw new ScopeNotGrantedError('missing', [{ scope: 'user.info.stats', fields: ['follower_count'] }]);
      return Promise.resolve('ok');
    };
    await expect(cache.withAccessToken(ref, async (t, d) => needStats(t, d))).rejects.toBeInstanceOf(ScopeNotGrantedError);
    svc.state.scopes = ['user.info.basic', 'user.info.stats'];
    await expect(cache.withAccessToken(ref, async (t, d) => needStats(t, d))).resolves.toBe('ok');
    expect(svc.state.reads).toBe(2);
  });

  it('passes other errors through and keeps the entry', async () => {
    const svc = fakeTokenService({ token: 'a', scopes: [] });
    const cache = createGrantCache(svc.withAccessToken, { now: () => 0 });
    await cache.withAccessToken(ref, async () => undefined);
    const boom = new TikTokError({ kind: 'rate_limited', endpoint: '/v2/user/info/', tiktokCode: 'rate_limit_exceeded' });
    await expect(cache.withAccessToken(ref, async () => Promise.reject(boom))).rejects.toBe(boom);
    expect(cache.size).toBe(1);
    expect(svc.state.reads).toBe(1);
  });

  it('keys by tenant and datasource, and stays bounded', async () => {
    const svc = fakeTokenService({ token: 'a', scopes: [] });
    const cache = createGrantCache(svc.withAccessToken, { now: () => 0, maxEntries: 2 });
    await cache.withAccessToken({ tenantId: 't1', datasourceId: 'x' }, async () => undefined);
    await cache.withAccessToken({ tenantId: 't2', datasourceId: 'x' }, async () => undefined);
    expect(svc.state.reads).toBe(2);
    await cache.withAccessToken({ tenantId: 't3', datasourceId: 'x' }, async () => undefined);
    expect(cache.size).toBe(2);
    await cache.withAccessToken({ tenantId: 't1', datasourceId: 'x' }, async () => undefined); // evicted first
    expect(svc.state.reads).toBe(4);
  });
});
