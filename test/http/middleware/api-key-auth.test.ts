/**
 * apiKeyAuth on a bare handler with an injected resolver and clock: the Bearer header, the tenant
 * left on the event, and the per-container caches (a revoked key stops working 30 s after it was
 * looked up on the app clock, not sooner; unknown keys cost one look-up per 30 s). The same against
 * the real store: test/auth/api-key-cache.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../../shared/auth/api-keys.ts';
import { readConfig } from '../../../shared/config.ts';
import { overrideAppContext, resetAppContext } from '../../../shared/context.ts';
import { apiKeyAuth, apiKeyAuthDefaults, type ApiKeyAuthOptions } from '../../../shared/http/middleware/api-key-auth.ts';
import { errorMapper } from '../../../shared/http/middleware/error-mapper.ts';
import { registeredCaches, resetCaches } from '../../../shared/lambda/caches.ts';
import { bareHandler, errorBody } from './bare.ts';

const KEY = `tkc_${'k'.repeat(43)}`;
const record: ApiKeyRecord = { tenantId: 'tn_a', keyId: 'key_1', createdAt: '2031-01-01T00:00:00.000Z' };

describe('apiKeyAuth middleware', () => {
  const clock = { ms: Date.parse('2031-05-01T10:00:00Z'), now: () => clock.ms };
  let keys: Map<string, ApiKeyRecord>;
  let lookups: string[];
  const resolve = async (apiKey: string) => {
    lookups.push(apiKey);
    return keys.get(apiKey);
  };
  const handler = (opts: Partial<ApiKeyAuthOptions> = {}) => {
    const call = bareHandler([errorMapper(), apiKeyAuth({ resolve, now: clock.now, ...opts })]);
    return async (authorization?: string) => {
      const res = await call(authorization === undefined ? {} : { headers: { Authorization: authorization } });
      return { status: res.statusCode, tenant: res.statusCode === 200 ? (JSON.parse(res.body!) as { tenantId: string }).tenantId : undefined, res };
    };
  };

  beforeEach(() => {
    resetCaches();
    keys = new Map([[KEY, record]]);
    lookups = [];
  });
  afterEach(() => resetAppContext());

  it('a valid Bearer key (any header case, any scheme case) puts its tenant on the event', async () => {
    const call = handler();
    expect(await call(`Bearer ${KEY}`)).toMatchObject({ status: 200, tenant: 'tn_a' });
    expect(await call(`bearer ${KEY}  `)).toMatchObject({ status: 200, tenant: 'tn_a' });
  });

  it('no header, another scheme or a malformed value: 401 unauthorized without a look-up', async () => {
    const call = handler();
    for (const h of [undefined, '', `Basic ${KEY}`, 'Bearer', `Bearer ${KEY} extra`]) {
      const { status, res } = await call(h);
      expect(status).toBe(401);
      expect(errorBody(res)).toMatchObject({ code: 'unauthorized' });
    }
    expect(lookups).toEqual([]);
  });

  it('a revoked key keeps working from the cache until 30 s after its look-up, then answers 401', async () => {
    const call = handler();
    expect((await call(`Bearer ${KEY}`)).status).toBe(200);
    keys.delete(KEY); // revoked
    clock.ms += 29_999;
    expect((await call(`Bearer ${KEY}`)).status).toBe(200);
    expect(lookups).toHaveLength(1);
    clock.ms += 1;
    expect((await call(`Bearer ${KEY}`)).status).toBe(401);
    expect(lookups).toHaveLength(2);
  });

  it('an unknown key: one look-up per 30 s however many requests; a key created meanwhile works after that', async () => {
    const other = `tkc_${'u'.repeat(43)}`;
    const call = handler();
    for (let i = 0; i < 20; i++) expect((await call(`Bearer ${other}`)).status).toBe(401);
    expect(lookups).toEqual([other]);
    keys.set(other, { ...record, tenantId: 'tn_b' });
    clock.ms += 29_999;
    expect((await call(`Bearer ${other}`)).status).toBe(401);
    clock.ms += 1;
    expect(await call(`Bearer ${other}`)).toMatchObject({ status: 200, tenant: 'tn_b' });
    expect(lookups).toEqual([other, other]);
  });

  it('cacheMs and negativeCacheMs options set the two lifetimes', async () => {
    const call = handler({ cacheMs: 1_000, negativeCacheMs: 0 });
    await call(`Bearer ${KEY}`);
    clock.ms += 1_000;
    await call(`Bearer ${KEY}`);
    expect(lookups).toHaveLength(2);
    await call('Bearer tkc_unknown');
    await call('Bearer tkc_unknown');
    expect(lookups).toHaveLength(4); // nothing remembered about unknown keys
  });

  it('by default the lifetimes run on the app clock (overrideAppContext), and are 30 s', async () => {
    overrideAppContext({ config: readConfig({ TABLE_NAME: 'unit-test' }), clock });
    const call = handler({ now: apiKeyAuthDefaults.now });
    expect((await call(`Bearer ${KEY}`)).status).toBe(200);
    keys.delete(KEY);
    clock.ms += 29_000;
    expect((await call(`Bearer ${KEY}`)).status).toBe(200);
    clock.ms += 1_000;
    expect((await call(`Bearer ${KEY}`)).status).toBe(401);
    expect(apiKeyAuthDefaults).toMatchObject({ cacheMs: 30_000, negativeCacheMs: 30_000 });
  });

  it('its caches are in the registry: resetCaches() forgets a remembered key', async () => {
    expect(registeredCaches()).toEqual(expect.arrayContaining(['http.apiKeys', 'http.unknownApiKeys']));
    const call = handler();
    await call(`Bearer ${KEY}`);
    resetCaches('http.apiKeys');
    await call(`Bearer ${KEY}`);
    expect(lookups).toHaveLength(2);
    expect(() => resetCaches('no.such.cache')).toThrow(/No cache is registered as "no.such.cache"/);
  });
});
