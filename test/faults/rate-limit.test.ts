/**
 * The per-tenant request limiter fails open: when DynamoDB refuses its counter write or the read
 * of the tenant's override (errors injected through the SDK middleware stack, inject-aws.ts), the
 * request is served as if there were no limit, and a warning is logged.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { setTenantRequestLimit } from '../../shared/auth/rate-limit.ts';
import { tableAccess } from '../../shared/context.ts';
import { resetCaches } from '../../shared/lambda/caches.ts';
import { logger } from '../../shared/logger.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { injectDynamoFault, type InjectedFaults } from './inject-aws.ts';

/** The counter write (shared/auth/rate-limit.ts countRequest): pk RATE#<tenant>. */
const COUNTER = /"RATE#tn_strict/;
/** The read of the tenant item's override. */
const TENANT_ITEM = /"pk":\{"S":"TENANT#tn_strict"\},"sk":\{"S":"TENANT"\}/;
/** Held still, so every request here falls in one window. */
const clock = { now: () => Date.parse('2031-05-01T10:00:10Z') };

describe('DynamoDB faults: the request limiter fails open', () => {
  let rt: TestRuntime;
  let key: string;
  let fault: InjectedFaults | undefined;
  const get = () => rt.api('/v1/datasources', { auth: key }).then((r) => r.status);

  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
    const deps = tableAccess();
    await ensureTenant(deps, 'tn_strict', 'Strict tenant');
    ({ apiKey: key } = await storeApiKey(deps, 'tn_strict'));
    await setTenantRequestLimit(deps, 'tn_strict', 1);
  });
  afterAll(async () => {
    await rt?.stop();
  });
  afterEach(() => {
    fault?.remove();
    fault = undefined;
    vi.restoreAllMocks();
  });

  it('a failing counter write lets every request through and logs a warning', async () => {
    const warn = vi.spyOn(logger, 'warn');
    fault = injectDynamoFault({ command: 'UpdateItemCommand', match: COUNTER, kind: 'access_denied', count: Number.POSITIVE_INFINITY });
    // The override is 1 per minute: without the fault the 2nd request would be refused.
    expect([await get(), await get(), await get()]).toEqual([200, 200, 200]);
    expect(fault.fired).toBe(3);
    expect(warn).toHaveBeenCalledWith('Request limiter unavailable; request let through', expect.objectContaining({ tenantId: 'tn_strict' }));
  });

  it('a failing read of the override falls back to the default limit and logs a warning', async () => {
    resetCaches('http.tenantLimits');
    const warn = vi.spyOn(logger, 'warn');
    fault = injectDynamoFault({ command: 'GetItemCommand', match: TENANT_ITEM, kind: 'access_denied', count: Number.POSITIVE_INFINITY });
    // The default (600/min) applies instead of the override of 1; the counter keeps counting.
    expect([await get(), await get()]).toEqual([200, 200]);
    expect(fault.fired).toBe(2); // a failed read is not cached
    expect(warn).toHaveBeenCalledWith('Could not read the tenant request limit; using the default', expect.objectContaining({ tenantId: 'tn_strict' }));
    fault.remove();
    fault = undefined;
    resetCaches('http.tenantLimits');
    // With the store back, the override of 1 holds again (this minute already counted requests).
    expect(await get()).toBe(429);
  });
});
