/**
 * The per-tenant request limit as a middy middleware on a bare handler, against dynalite: the
 * default from the config, a tenant's override (cached per container), fixed one-minute windows
 * with Retry-After to the window's end, refused requests not counted, the count shared by
 * separate handler instances, and no effect on requests without a tenant.
 */
import middy from '@middy/core';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTenant } from '../../../shared/auth/api-keys.ts';
import { setTenantRequestLimit } from '../../../shared/auth/rate-limit.ts';
import { readConfig } from '../../../shared/config.ts';
import { overrideAppContext, resetAppContext } from '../../../shared/context.ts';
import { errorMapper } from '../../../shared/http/middleware/error-mapper.ts';
import { resetCaches } from '../../../shared/lambda/caches.ts';
import { tenantRateLimit, tenantRateLimitDefaults, type TenantRateLimitOptions } from '../../../shared/http/middleware/tenant-rate-limit.ts';
import type { ApiEvent, ApiResult } from '../../../shared/http/request.ts';
import { keys } from '../../../shared/store/table.ts';
import { startTestTable, type TestTable } from '../../support/dynamo.ts';

/** 15 s into a minute: a refusal now waits 45 s. */
const START = Date.parse('2031-05-01T10:00:15Z');

describe('tenantRateLimit middleware', () => {
  let table: TestTable;
  let dynamo: DynamoDBDocumentClient;
  let TABLE: string;
  const clock = { ms: START, now: () => clock.ms };

  beforeAll(async () => {
    table = await startTestTable();
    ({ dynamo, tableName: TABLE } = table);
    // The middleware's defaults read the app context: the default limit from the env contract.
    overrideAppContext({ config: readConfig({ TABLE_NAME: TABLE, TENANT_REQUESTS_PER_MINUTE: '3' }), dynamo, clock });
    for (const t of ['tn_a', 'tn_b', 'tn_c', 'tn_d', 'tn_e']) await ensureTenant({ dynamo, tableName: TABLE, now: clock.now }, t, t);
  });
  afterAll(async () => {
    resetAppContext();
    await table?.close();
  });
  beforeEach(() => {
    resetCaches();
    clock.ms = (Math.floor(clock.ms / 60_000) + 1) * 60_000 + 15_000; // a fresh window per test, 15 s in
  });

  let calls = 0;
  function handler(options?: Partial<TenantRateLimitOptions>) {
    const h = middy<ApiEvent, ApiResult>()
      .use(errorMapper())
      .use({
        // What apiKeyAuth leaves on the event.
        before: (request) => {
          const tenant = request.event.headers?.tenant;
          if (tenant) request.event.__api = { requestId: 'req-1', tenantId: tenant };
        },
      })
      .use(tenantRateLimit(options))
      .handler(async () => {
        calls += 1;
        return { statusCode: 200, body: 'ok' };
      });
    return (tenant?: string) => h({ headers: tenant ? { tenant } : {} } as unknown as ApiEvent, {} as Context) as Promise<ApiResult>;
  }
  const statuses = async (call: (tenant?: string) => Promise<ApiResult>, tenant: string, n: number) => {
    const out: number[] = [];
    for (let i = 0; i < n; i += 1) out.push((await call(tenant)).statusCode);
    return out;
  };

  it('serves the default number per minute, then answers 429 rate_limited with Retry-After to the window end', async () => {
    const call = handler();
    expect(await statuses(call, 'tn_a', 3)).toEqual([200, 200, 200]);
    const refused = await call('tn_a');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['retry-after']).toBe('45');
    const body = JSON.parse(refused.body!);
    expect(body.error).toMatchObject({ code: 'rate_limited', requestsPerMinute: 3, retryAfterSeconds: 45, requestId: 'req-1' });
    expect(body.error.message).toContain('3 API requests per minute');
    // Another tenant has its own budget.
    expect(await statuses(call, 'tn_b', 1)).toEqual([200]);
    // The next minute is a new window.
    clock.ms += 45_000;
    expect(await statuses(call, 'tn_a', 1)).toEqual([200]);
  });

  it('does not count refused requests, so the counter stops at the limit', async () => {
    const call = handler({ defaultRequestsPerMinute: 2 });
    expect(await statuses(call, 'tn_c', 5)).toEqual([200, 200, 429, 429, 429]);
    const item = await dynamo.send(new GetCommand({ TableName: TABLE, Key: keys.requestWindow('tn_c', Math.floor(clock.ms / 60_000)) }));
    expect(item.Item).toMatchObject({ requests: 2 });
    // Expires a little after its minute (TTL in epoch seconds).
    expect(item.Item!.ttl).toBeGreaterThan(clock.ms / 1000);
  });

  it('a tenant\'s override wins over the default, and is cached per container for overrideCacheMs', async () => {
    await setTenantRequestLimit({ dynamo, tableName: TABLE }, 'tn_d', 5);
    const call = handler({ overrideCacheMs: 60_000 });
    expect(await statuses(call, 'tn_d', 6)).toEqual([200, 200, 200, 200, 200, 429]);
    // Cleared in the table: this container keeps 5 until its cache entry expires.
    await setTenantRequestLimit({ dynamo, tableName: TABLE }, 'tn_d', undefined);
    clock.ms += 59_000; // 14 s into the next minute; the cache entry is 59 s old
    expect(await statuses(call, 'tn_d', 5)).toEqual([200, 200, 200, 200, 200]);
    clock.ms += 60_000; // cache expired: the default (3) applies
    expect(await statuses(call, 'tn_d', 4)).toEqual([200, 200, 200, 429]);
  });

  it('counts in the table, so separate handler instances (Lambda containers) share one budget', async () => {
    const first = handler();
    const second = handler();
    expect(await statuses(first, 'tn_e', 2)).toEqual([200, 200]);
    expect(await statuses(second, 'tn_e', 2)).toEqual([200, 429]);
  });

  it('fails open: a store that cannot count lets the request through, and a failed override read is not cached', async () => {
    let sends = 0;
    const down = {
      send: async () => {
        sends += 1;
        throw new Error('store down');
      },
    } as unknown as DynamoDBDocumentClient;
    const call = handler({ defaultRequestsPerMinute: 1, store: () => ({ dynamo: down, tableName: TABLE, now: clock.now }) });
    expect(await statuses(call, 'tn_a', 3)).toEqual([200, 200, 200]);
    expect(sends).toBe(6); // per request: the override read (not cached after a failure) and the counter
  });

  it('defaults: 60 s override cache; the default limit and the store come from the app context', () => {
    expect(tenantRateLimitDefaults.overrideCacheMs).toBe(60_000);
    expect(typeof tenantRateLimitDefaults.defaultRequestsPerMinute === 'function' && tenantRateLimitDefaults.defaultRequestsPerMinute()).toBe(3);
    expect(tenantRateLimitDefaults.store()).toMatchObject({ dynamo, tableName: TABLE });
    expect(tenantRateLimitDefaults.store().now()).toBe(clock.ms);
  });

  it('leaves requests without a tenant alone', async () => {
    const call = handler({ defaultRequestsPerMinute: 1 });
    const before = calls;
    for (let i = 0; i < 3; i += 1) expect((await call()).statusCode).toBe(200);
    expect(calls - before).toBe(3);
  });
});
