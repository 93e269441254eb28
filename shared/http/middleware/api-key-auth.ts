import type { MiddlewareObj } from '@middy/core';
import { resolveApiKey, hashApiKey, type ApiKeyRecord } from '../../auth/api-keys.ts';
import { appContext } from '../../context.ts';
import { UnauthorizedError } from '../../errors.ts';
import type { ApiEvent, ApiResult } from '../request.ts';

/**
 * Resolves `Authorization: Bearer <api key>` to a tenant. Positive look-ups are cached per
 * container for a short time (keyed by the hash, never the key), bounded in size, so a warm
 * Lambda does not pay a DynamoDB read per request; a revoked key stops working within CACHE_MS.
 */
const CACHE_MS = 30_000;
const CACHE_MAX = 1_000;
const cache = new Map<string, { record: ApiKeyRecord; until: number }>();

export function clearApiKeyCache(): void {
  cache.clear();
}

export function apiKeyAuth(): MiddlewareObj<ApiEvent, ApiResult> {
  return {
    before: async (request) => {
      const event = request.event;
      const header = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
      if (!match) throw new UnauthorizedError();
      const apiKey = match[1]!;
      const ctx = appContext();
      const now = ctx.clock.now();
      const hash = hashApiKey(apiKey);
      let record = cache.get(hash);
      if (!record || record.until < Date.now()) {
        const resolved = await resolveApiKey({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => now }, apiKey);
        if (!resolved) {
          cache.delete(hash);
          throw new UnauthorizedError('The API key is not valid.');
        }
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
        record = { record: resolved, until: Date.now() + CACHE_MS };
        cache.set(hash, record);
      }
      event.__api = { ...event.__api, tenantId: record.record.tenantId };
    },
  };
}
