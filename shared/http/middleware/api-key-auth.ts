import type { MiddlewareObj } from '@middy/core';
import { resolveApiKey, hashApiKey, type ApiKeyRecord } from '../../auth/api-keys.ts';
import { appContext } from '../../context.ts';
import { UnauthorizedError } from '../../errors.ts';
import type { ApiEvent, ApiResult } from '../request.ts';

/**
 * Resolves `Authorization: Bearer <api key>` to a tenant. Look-ups are cached per container for a
 * short time (keyed by the hash, never the key), bounded in size, on the app clock: a warm Lambda
 * does not pay a DynamoDB read per request, and a revoked key stops working within CACHE_MS.
 * Unknown keys are cached too (NEGATIVE_CACHE_MS, own bound): a flood of bad keys costs one read per
 * distinct key, not one per request; a key created meanwhile works within that time.
 */
const CACHE_MS = 30_000;
const CACHE_MAX = 1_000;
const NEGATIVE_CACHE_MS = 30_000;
const NEGATIVE_CACHE_MAX = 10_000;
const cache = new Map<string, { record: ApiKeyRecord; until: number }>();
const unknownKeys = new Map<string, number>();

export function clearApiKeyCache(): void {
  cache.clear();
  unknownKeys.clear();
}

function remember<V>(map: Map<string, V>, max: number, key: string, value: V): void {
  map.delete(key);
  if (map.size >= max) map.delete(map.keys().next().value!); // oldest first
  map.set(key, value);
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
      const unknownUntil = unknownKeys.get(hash);
      if (unknownUntil !== undefined && unknownUntil > now) throw new UnauthorizedError('The API key is not valid.');
      let record = cache.get(hash);
      if (!record || record.until <= now) {
        const resolved = await resolveApiKey({ dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => now }, apiKey);
        if (!resolved) {
          cache.delete(hash);
          remember(unknownKeys, NEGATIVE_CACHE_MAX, hash, now + NEGATIVE_CACHE_MS);
          throw new UnauthorizedError('The API key is not valid.');
        }
        unknownKeys.delete(hash);
        record = { record: resolved, until: now + CACHE_MS };
        remember(cache, CACHE_MAX, hash, record);
      }
      event.__api = { ...event.__api, tenantId: record.record.tenantId };
    },
  };
}
