import type { MiddlewareObj } from '@middy/core';
import { countRequest, getTenantRequestLimit, type RateLimitDeps } from '../../auth/rate-limit.ts';
import { appContext } from '../../context.ts';
import { RateLimitedError } from '../../errors.ts';
import { registerCache } from '../../lambda/caches.ts';
import { createTtlCache } from '../../lambda/ttl-cache.ts';
import { logger } from '../../logger.ts';
import type { ApiEvent, ApiResult } from '../request.ts';

/**
 * Counts every authenticated request against its tenant's requests-per-minute budget (after
 * apiKeyAuth, which sets the tenant) and answers 429 `rate_limited` with `Retry-After` over it.
 * Cost: one UpdateItem per request; the tenant's override is read at most once per `overrideCacheMs`
 * per container (bounded cache, like the API key cache). The limiter fails open: a store error
 * logs a warning and lets the request through, since refusing every request would turn a
 * DynamoDB hiccup in a guard into an outage.
 */
export interface TenantRateLimitOptions {
  /** Requests per minute of a tenant without an override. Default: TENANT_REQUESTS_PER_MINUTE. */
  defaultRequestsPerMinute: number | (() => number);
  /** How long a tenant's override (or its absence) is trusted per container. */
  overrideCacheMs: number;
  /** Table access and the clock windows are counted by. Default: the app context. */
  store: () => RateLimitDeps & { now: () => number };
}

export const tenantRateLimitDefaults: TenantRateLimitOptions = {
  defaultRequestsPerMinute: () => appContext().config.tenantRequestsPerMinute,
  overrideCacheMs: 60_000,
  store: () => {
    const ctx = appContext();
    return { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => ctx.clock.now() };
  },
};

// Per container, shared by every instance. The value is the override, or null for "none set".
const overrides = registerCache('http.tenantLimits', createTtlCache<string, number | null>(1_000));

export function tenantRateLimit(opts: Partial<TenantRateLimitOptions> = {}): MiddlewareObj<ApiEvent, ApiResult> {
  const options: TenantRateLimitOptions = { ...tenantRateLimitDefaults, ...opts };
  const defaultLimit = () => (typeof options.defaultRequestsPerMinute === 'function' ? options.defaultRequestsPerMinute() : options.defaultRequestsPerMinute);

  const overrideOf = async (deps: RateLimitDeps & { now: () => number }, tenantId: string): Promise<number | undefined> => {
    const now = deps.now();
    const cached = overrides.get(tenantId, now);
    if (cached !== undefined) return cached ?? undefined;
    try {
      const requestsPerMinute = await getTenantRequestLimit(deps, tenantId);
      overrides.set(tenantId, requestsPerMinute ?? null, now + options.overrideCacheMs);
      return requestsPerMinute;
    } catch (err) {
      // Not cached: the next request tries again.
      logger.warn('Could not read the tenant request limit; using the default', { tenantId, error: err as Error });
      return undefined;
    }
  };

  return {
    before: async (request) => {
      const tenantId = request.event.__api?.tenantId;
      if (!tenantId) return; // not an authenticated request
      const deps = options.store();
      const limit = (await overrideOf(deps, tenantId)) ?? defaultLimit();
      let decision;
      try {
        decision = await countRequest(deps, tenantId, limit, deps.now());
      } catch (err) {
        logger.warn('Request limiter unavailable; request let through', { tenantId, error: err as Error });
        return;
      }
      if (!decision.allowed) throw new RateLimitedError(limit, decision.retryAfterSeconds);
    },
  };
}
