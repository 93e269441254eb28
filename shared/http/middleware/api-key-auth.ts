import type { MiddlewareObj } from '@middy/core';
import { resolveApiKey, hashApiKey, type ApiKeyRecord } from '../../auth/api-keys.ts';
import { appContext } from '../../context.ts';
import { UnauthorizedError } from '../../errors.ts';
import { registerCache } from '../../lambda/caches.ts';
import { createTtlCache } from '../../lambda/ttl-cache.ts';
import { headerValue, type ApiEvent, type ApiResult } from '../request.ts';

/**
 * Resolves `Authorization: Bearer <api key>` to a tenant. Look-ups are cached per container for a
 * short time (keyed by the hash, never the key), bounded in size, on the app clock: a warm Lambda
 * does not pay a DynamoDB read per request, and a revoked key stops working within `cacheMs`.
 * Unknown keys are cached too (`negativeCacheMs`, own bound): a flood of bad keys costs one read per
 * distinct key, not one per request; a key created meanwhile works within that time.
 */
export interface ApiKeyAuthOptions {
  /** The key's record, or undefined for an unknown or revoked key. Default: the service table. */
  resolve: (apiKey: string) => Promise<ApiKeyRecord | undefined>;
  /** Epoch ms the cache lifetimes are counted on. Default: the app clock. */
  now: () => number;
  /** How long a resolved key is trusted: the bound on a revocation taking effect (README "Rotate and revoke keys"). */
  cacheMs: number;
  /** How long an unknown key is refused without a read. */
  negativeCacheMs: number;
}

export const apiKeyAuthDefaults: ApiKeyAuthOptions = {
  resolve: (apiKey) => {
    const ctx = appContext();
    return resolveApiKey({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => ctx.clock.now() }, apiKey);
  },
  now: () => appContext().clock.now(),
  cacheMs: 30_000,
  negativeCacheMs: 30_000,
};

// Per container, shared by every instance (one Lambda may serve several routes); keyed by the key's hash.
const known = registerCache('http.apiKeys', createTtlCache<string, ApiKeyRecord>(1_000));
const unknown = registerCache('http.unknownApiKeys', createTtlCache<string, true>(10_000));

export function apiKeyAuth(opts: Partial<ApiKeyAuthOptions> = {}): MiddlewareObj<ApiEvent, ApiResult> {
  const options: ApiKeyAuthOptions = { ...apiKeyAuthDefaults, ...opts };
  return {
    before: async (request) => {
      const event = request.event;
      const match = headerValue(event.headers, 'authorization')?.match(/^Bearer\s+(\S+)\s*$/i);
      if (!match) throw new UnauthorizedError();
      const apiKey = match[1]!;
      const now = options.now();
      const hash = hashApiKey(apiKey);
      if (unknown.get(hash, now)) throw new UnauthorizedError('The API key is not valid.');
      let record = known.get(hash, now);
      if (!record) {
        record = await options.resolve(apiKey);
        if (!record) {
          known.delete(hash);
          unknown.set(hash, true, now + options.negativeCacheMs);
          throw new UnauthorizedError('The API key is not valid.');
        }
        unknown.delete(hash);
        known.set(hash, record, now + options.cacheMs);
      }
      event.__api = { ...event.__api, tenantId: record.tenantId };
    },
  };
}
