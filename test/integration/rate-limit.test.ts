/**
 * The per-tenant API request limit over real HTTP against the local runtime: a tenant whose
 * override is 5 per minute gets 429 rate_limited with Retry-After on its 6th request of the minute,
 * while another tenant is still served. The runtime's clock is held 10 s into a minute, so the
 * six requests share one window and Retry-After is exactly 50.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { setTenantRequestLimit } from '../../shared/auth/rate-limit.ts';
import { tableAccess } from '../../shared/context.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const clock = { ms: Date.parse('2031-05-01T10:00:10Z'), now: () => clock.ms };

describe('per-tenant API request limit over HTTP', () => {
  let rt: TestRuntime;
  let limitedKey: string;
  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
    const deps = tableAccess();
    await ensureTenant(deps, 'tn_limited', 'Limited tenant');
    ({ apiKey: limitedKey } = await storeApiKey(deps, 'tn_limited'));
    expect(await setTenantRequestLimit(deps, 'tn_limited', 5)).toBe(true);
  });
  afterAll(async () => {
    await rt?.stop();
  });

  it('answers the 6th request of a 5/min tenant with 429 and Retry-After; another tenant is still served', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await rt.api('/v1/datasources', { auth: limitedKey })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);

    const refused = await rt.api('/v1/datasources', { auth: limitedKey });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('50');
    expect(refused.headers.get('x-request-id')).toBeTruthy();
    const body = await readJson(refused);
    expect(body.error).toMatchObject({ code: 'rate_limited', requestsPerMinute: 5, retryAfterSeconds: 50, requestId: expect.any(String) });
    expect(body.error.message).toContain('5 API requests per minute');

    // Every route of the tenant shares the budget, including a POST with a body.
    const post = await rt.api('/v1/connect-links', { method: 'POST', auth: limitedKey, json: { name: 'x' } });
    expect(post.status).toBe(429);

    // The dev tenant (default limit) is unaffected.
    expect((await rt.api('/v1/datasources')).status).toBe(200);
    // Unauthenticated routes are not counted.
    expect((await rt.api('/v1/health', { auth: false })).status).toBe(200);

    // The next minute is a new window.
    clock.ms += 50_000;
    expect((await rt.api('/v1/datasources', { auth: limitedKey })).status).toBe(200);
  });
});
