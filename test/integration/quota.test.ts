/**
 * Two tenants share one TikTok app whose limit is 60 calls a minute (the sandbox enforces it the
 * way TikTok does: a sliding minute per endpoint). Tenant A fires three times the quota at once;
 * tenant B then asks for a few reports. Over real HTTP against the local runtime.
 */
import { newTenantKey } from '../support/tenants.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../support/connect.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

let rt: TestRuntime;
let keyB: string;
let dsA: string;
let dsB: string;

const asB = (): TestRuntime => ({ ...rt, api: (p, init = {}) => rt.api(p, { ...init, auth: keyB }) });


beforeAll(async () => {
  rt = await startTestRuntime({ env: { TIKTOK_QUOTA_PER_MINUTE: '60', SANDBOX_RATE_LIMIT_PER_MINUTE: '60', LOG_LEVEL: 'SILENT' } });
  keyB = await newTenantKey('tn_quota_b');
  dsA = await connectAccount(rt, { account: 0 });
  dsB = await connectAccount(asB(), { account: 1 });
});

afterAll(async () => {
  await rt?.stop();
});

const profile = (api: TestRuntime['api'], ds: string) =>
  api(`/v1/datasources/${ds}/reports/profile`, { method: 'POST', json: { fields: 'display_name,follower_count' } });

describe('one TikTok app, two tenants', () => {
  it("a burst of 3x the quota by one tenant neither reaches TikTok's limit nor starves the other", async () => {
    rt.sandbox!.resetCallLog();
    const burst = await Promise.all(Array.from({ length: 180 }, () => profile(rt.api, dsA)));
    const served = burst.filter((r) => r.status === 200).length;
    const refused = burst.filter((r) => r.status === 429);
    // A tenant alone takes at most half of the window (TIKTOK_QUOTA_TENANT_SHARE), the rest is refused
    // by us. (A leased permit that ages out unused still counts: hence "at most".)
    expect(served).toBeLessThanOrEqual(30);
    expect(served).toBeGreaterThanOrEqual(25);
    expect(refused).toHaveLength(180 - served);
    for (const r of refused.slice(0, 5)) {
      const body = (await r.json()) as { error: { code: string; reason?: string; retryAfterSeconds?: number } };
      expect(body.error.code).toBe('quota_exhausted');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    const started = Date.now();
    const b = await Promise.all(Array.from({ length: 5 }, () => profile(asB().api, dsB)));
    const bElapsed = Date.now() - started;
    expect(b.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(bElapsed).toBeLessThan(5_000);

    const userInfo = rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/user/info/');
    expect(userInfo.filter((c) => c.status === 429)).toHaveLength(0);
    expect(userInfo).toHaveLength(served + 5);
  });

  it("TikTok's 429 with Retry-After backs the endpoint off for everyone, then it recovers", async () => {
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'video/list', errorCode: 'rate_limit_exceeded', retryAfterSeconds: 5, count: 1 });
    const list = (api: TestRuntime['api'], ds: string) =>
      api(`/v1/datasources/${ds}/reports/video-list`, { method: 'POST', json: { fields: 'id,view_count', requestBody: { max_count: 5, cursor: 0 } } });
    const first = await list(rt.api, dsA);
    expect(first.status).toBe(429);
    // Tenant B's next call is held back by the fleet-wide back-off: TikTok is not called.
    const before = rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/video/list/').length;
    const held = await list(asB().api, dsB);
    expect(held.status).toBe(429);
    expect(((await held.json()) as { error: { code: string; reason: string } }).error).toMatchObject({ code: 'quota_exhausted', reason: 'backoff' });
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/video/list/')).toHaveLength(before);
    // After Retry-After, calls go through again (at half the limit, climbing back).
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    expect((await list(asB().api, dsB)).status).toBe(200);
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/video/list/' && c.status === 429)).toHaveLength(1);
  });
});
