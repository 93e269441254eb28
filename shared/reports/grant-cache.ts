/**
 * A short-lived, per-container memory of the (access token, granted scopes) a datasource last
 * resolved to, in front of the token service's withAccessToken. Why: resolving reads the datasource
 * item from DynamoDB (strongly consistent) and opens the sealed tokens on every report, which the
 * benchmark shows is most of the service's own latency; a warm Lambda answering a burst of reports
 * for the same account does not need to re-read it every time.
 *
 * It never weakens what the token service guarantees:
 * - an entry lives at most `ttlMs` and never past the access token's expiry minus `expiryMarginMs`;
 * - TikTok rejecting a remembered token (`token_invalid`) drops the entry and goes through the token
 *   service, which refreshes once (single-flight) and retries once; the rejected token is not sent
 *   to TikTok again (the retry is handed the rejection, so the service refreshes at once);
 * - remembered scopes that look insufficient are re-read before answering 403 (the owner may just
 *   have re-connected with more scopes);
 * - entries are keyed by tenant and datasource, bounded in number, and hold nothing that is logged.
 * What it trades: a datasource deleted or marked needs_reauth by another Lambda may serve reports
 * for up to `ttlMs` more, while its token still works at TikTok (a DELETE revokes it at TikTok,
 * which ends that at once).
 */
import { createTtlCache } from '../lambda/ttl-cache.ts';
import { isTikTokError } from '../tiktok/index.ts';
import type { DatasourceRef, GrantedDatasource, ReportDeps } from './deps.ts';
import { ScopeNotGrantedError } from './errors.ts';

export interface GrantCacheOptions {
  /** Default 15 s. */
  ttlMs?: number;
  /** Default 60 s. */
  expiryMarginMs?: number;
  /** Default 1 000 datasources. */
  maxEntries?: number;
  /** Epoch ms, the app clock (token expiry instants are on it). */
  now: () => number;
}

interface Entry {
  accessToken: string;
  datasource: GrantedDatasource;
}

export type WithAccessToken = ReportDeps['withAccessToken'];

export interface GrantCache {
  withAccessToken: WithAccessToken;
  clear(): void;
  readonly size: number;
}

export function createGrantCache(inner: WithAccessToken, options: GrantCacheOptions): GrantCache {
  const ttlMs = options.ttlMs ?? 15_000;
  const margin = options.expiryMarginMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = createTtlCache<string, Entry>(maxEntries);
  const keyOf = (ref: DatasourceRef) => `${ref.tenantId}\u0000${ref.datasourceId}`;

  function remember(key: string, accessToken: string, datasource: GrantedDatasource): void {
    const now = options.now();
    const expiresAt = datasource.accessTokenExpiresAt ?? Number.POSITIVE_INFINITY;
    const until = Math.min(now + ttlMs, expiresAt - margin);
    if (until <= now) return;
    entries.set(key, { accessToken, datasource }, until);
  }

  async function withAccessToken<T>(ref: DatasourceRef, fn: (accessToken: string, datasource: GrantedDatasource) => Promise<T>): Promise<T> {
    const key = keyOf(ref);
    const hit = entries.get(key, options.now());
    let rejected: { token: string; error: unknown } | undefined;
    if (hit) {
      try {
        return await fn(hit.accessToken, hit.datasource);
      } catch (err) {
        if (err instanceof ScopeNotGrantedError) {
          entries.delete(key); // the remembered scopes may be stale: decide on a fresh read
        } else if (isTikTokError(err, 'token_invalid')) {
          entries.delete(key);
          rejected = { token: hit.accessToken, error: err };
        } else {
          throw err;
        }
      }
    }
    return inner(ref, (accessToken, datasource) => {
      // TikTok has just refused this token: hand the refusal to the token service (which refreshes
      // once and retries) instead of sending the same token again.
      if (rejected && accessToken === rejected.token) return Promise.reject(rejected.error);
      remember(key, accessToken, datasource);
      return fn(accessToken, datasource);
    });
  }

  return {
    withAccessToken,
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
