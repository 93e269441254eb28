/**
 * Access tokens for every report and scheduled run.
 *
 * - A valid token costs ONE strongly consistent GetItem and no write (the data key is cached).
 * - An expired or nearly expired token, or TikTok answering `access_token_invalid`, triggers a
 *   refresh and one retry of the call.
 * - A refresh is single-flight twice over: within a container (a map of in-flight refreshes, so 20
 *   concurrent calls make one) and across Lambdas (a conditional lease on the datasource item; the
 *   others poll with bounded backoff and re-read). The rotated refresh token and the new access token
 *   are written in one conditional update that also releases the lease.
 * - Rotated tokens that DynamoDB will not take are retried, then kept in memory so the next refresh
 *   in this container starts from the rotated refresh token (TikTok already retired the stored one).
 * - A refresh token TikTok rejects (`invalid_grant`) moves the datasource to `needs_reauth` (409);
 *   transient failures (5xx, timeout, 429) change nothing and surface as the TikTok error.
 * - A refresh whose outcome is unknown (timeout, reset, 5xx: TikTok may have rotated the token and
 *   the answer was lost), or whose lease was left behind by a dead owner, is recorded on the item.
 *   The next attempt tries the stored refresh token once more (it works if TikTok never processed
 *   the lost call); if TikTok then says invalid_grant, the status reason says the earlier answer
 *   was lost, since with strict rotation that is what happened.
 * - A caller with a deadline (an API request, refresh-scope.ts) stops waiting after `refreshWaitMs`
 *   and answers 504; the refresh itself goes on and the invocation awaits it before returning.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';
import { withinWork } from '../quota/work.ts';
import { datasourceNotFound, needsReauthError } from '../datasources/errors.ts';
import { publicDatasource, type Datasource, type DatasourceRecord, type DatasourceRef } from '../datasources/model.ts';
import { getDatasourceRecord, type DatasourceStoreDeps } from '../datasources/store.ts';
import { logger as defaultLogger } from '../logger.ts';
import { isTikTokError, TikTokError, TOKEN_PATH, type TikTokClient, type TokenSet } from '../tiktok/index.ts';
import { acquireLease, markNeedsReauth, releaseLease, saveRefreshedTokens, type Fence, type Leased } from './lease-store.ts';
import { canOutliveCaller, trackRefresh } from './refresh-scope.ts';
import type { TokenVault } from './vault.ts';

export interface TokenServiceDeps extends DatasourceStoreDeps {
  vault: TokenVault;
  tiktok: () => Promise<TikTokClient>;
  /** Refresh when less than this is left (default 5 min). */
  refreshMarginMs?: number;
  /** How long a refresh lease holds (default 40 s: the token endpoint's 30 s timeout and a margin). */
  leaseMs?: number;
  /** How long a caller with a deadline waits for a refresh before answering 504 (default 10 s); the refresh goes on. */
  refreshWaitMs?: number;
  /** How long a caller waits for another container's refresh before answering 503 (default 12 s). */
  maxWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  newOwnerId?: () => string;
  logger?: Pick<typeof defaultLogger, 'info' | 'warn' | 'error'>;
  /** Told once per rejected refresh token, after the datasource was marked needs_reauth (webhooks). */
  onNeedsReauth?(record: DatasourceRecord, reason: string): Promise<void>;
}

export interface RefreshOutcome {
  record: DatasourceRecord;
  /** true when this call refreshed at TikTok; false when someone else's newer tokens were picked up. */
  refreshed: boolean;
}

export interface TokenService {
  /** Runs `fn` with a valid access token; on `access_token_invalid` refreshes once and retries once. */
  withAccessToken<T>(ref: DatasourceRef, fn: (accessToken: string, datasource: Datasource) => Promise<T>): Promise<T>;
  /** A valid access token (refreshed first if needed), for callers that handle `access_token_invalid` themselves. */
  getAccessToken(ref: DatasourceRef): Promise<{ accessToken: string; datasource: Datasource }>;
  /** Refreshes unless someone already moved past `observedVersion` (the sweep passes what its index read). */
  refresh(ref: DatasourceRef, observedVersion?: number): Promise<RefreshOutcome>;
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;
export const DEFAULT_LEASE_MS = 40_000;
export const DEFAULT_REFRESH_WAIT_MS = 10_000;
/** Store attempts for rotated tokens (each is itself a DynamoDB call with the SDK's own retries). */
const SAVE_ATTEMPTS = 3;

export class TokenRefreshBusyError extends AppError {
  constructor(datasourceId: string) {
    super('unavailable', 'token_refresh_busy', `The access token of datasource ${datasourceId} is being refreshed; retry in a few seconds.`, {
      details: { datasourceId },
      retryAfterSeconds: 5,
    });
    this.name = 'TokenRefreshBusyError';
  }
}

/**
 * Failures after which TikTok may have processed the refresh (and rotated the refresh token): a
 * timeout, a connection lost after connecting, a 5xx or an unreadable answer. Not: a socket that never
 * connected, TikTok's 429 or a 4xx verdict, or no quota permit (nothing was sent).
 */
function uncertainCause(err: unknown): string | undefined {
  if (!(err instanceof TikTokError)) return undefined;
  if (err.kind === 'timeout') return 'timeout';
  if (err.kind === 'upstream' && err.tiktokCode !== 'connect_failed') return err.httpStatus ? `http_${err.httpStatus}` : err.tiktokCode;
  return undefined;
}

/** Why the stored refresh token may already be spent: a recorded unknown outcome, or a lease its owner never gave back. */
function earlierUncertainty(lease: Leased): { cause: string; since?: string } | undefined {
  const r = lease.record;
  if (r.refreshUncertainAt !== undefined) return { cause: r.refreshUncertainCause ?? 'unknown', since: new Date(r.refreshUncertainAt).toISOString() };
  if (lease.abandoned) return { cause: 'refresh interrupted (its process stopped mid-call)' };
  return undefined;
}

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const margin = deps.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const maxWaitMs = deps.maxWaitMs ?? 12_000;
  const refreshWaitMs = deps.refreshWaitMs ?? DEFAULT_REFRESH_WAIT_MS;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const newOwnerId = deps.newOwnerId ?? (() => `lease_${randomUUID()}`);
  const log = deps.logger ?? defaultLogger;
  const inflight = new Map<string, Promise<RefreshOutcome>>();

  /** The item if it can serve calls; 404 for unknown/deleted, 409 for needs_reauth. */
  async function readActive(ref: DatasourceRef): Promise<DatasourceRecord> {
    const record = await getDatasourceRecord(deps, ref);
    if (!record || record.status === 'revoked') throw datasourceNotFound(ref.datasourceId);
    if (record.status === 'needs_reauth') throw needsReauthError(record);
    return record;
  }

  /**
   * What a caller waits on. Inside a refresh scope the refresh is handed to the invocation, and the
   * caller gives up after refreshWaitMs (504 tiktok_timeout); elsewhere (queue work, the sweep) it waits.
   */
  async function awaitAsCaller(ref: DatasourceRef, pending: Promise<RefreshOutcome>): Promise<RefreshOutcome> {
    if (!canOutliveCaller()) return pending;
    trackRefresh(pending);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        log.warn('Caller stopped waiting for a token refresh; the refresh goes on and is stored before the invocation ends', { ...ref, refreshWaitMs });
        reject(
          new TikTokError({ kind: 'timeout', endpoint: TOKEN_PATH, tiktokCode: 'timeout', detail: `the token refresh took longer than ${refreshWaitMs} ms; it goes on` }),
        );
      }, refreshWaitMs);
    });
    try {
      return await Promise.race([pending, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  function refresh(ref: DatasourceRef, observedVersion: number): Promise<RefreshOutcome> {
    const key = `${ref.tenantId}/${ref.datasourceId}@${observedVersion}`;
    let pending = inflight.get(key);
    if (!pending) {
      pending = refreshAcrossContainers(ref, observedVersion).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  }

  async function refreshAcrossContainers(ref: DatasourceRef, observedVersion: number): Promise<RefreshOutcome> {
    const owner = newOwnerId();
    let waited = 0;
    let delay = 50;
    // Bounded twice: by time waited and by attempts (a lease freed between our try and our read is retried at once).
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const leased = await acquireLease(deps, ref, { owner, observedVersion, leaseMs });
      if (leased) return { record: await refreshWithLease(ref, leased, owner), refreshed: true };
      const current = await readActive(ref);
      if (current.tokenVersion !== observedVersion) return { record: current, refreshed: false };
      const held = current.leaseUntil !== undefined && current.leaseUntil >= deps.now();
      if (!held) continue;
      if (waited >= maxWaitMs) break;
      await sleep(delay);
      waited += delay;
      delay = Math.min(delay * 2, 1_000);
    }
    throw new TokenRefreshBusyError(ref.datasourceId);
  }

  /**
   * Rotated tokens TikTok issued but DynamoDB did not take (store failing after retries). TikTok has
   * already retired the stored refresh token, so the next refresh in this container starts from this
   * one instead; dropped once stored or once the item moved past the version it was based on.
   */
  const unsaved = new Map<string, { baseVersion: number; tokens: TokenSet }>();

  async function refreshWithLease(ref: DatasourceRef, lease: Leased, owner: string): Promise<DatasourceRecord> {
    const leased = lease.record;
    const fence: Fence = { kind: 'lease', owner, observedVersion: leased.tokenVersion };
    const earlier = earlierUncertainty(lease);
    if (earlier) log.warn('Refreshing after a refresh whose outcome is unknown: trying the stored refresh token once more', { ...ref, ...earlier });
    const key = `${ref.tenantId}/${ref.datasourceId}`;
    const pending = unsaved.get(key);
    if (pending && pending.baseVersion !== leased.tokenVersion) unsaved.delete(key);
    let tokens: TokenSet;
    try {
      const refreshToken =
        pending?.baseVersion === leased.tokenVersion ? pending.tokens.refreshToken : (await deps.vault.open(ref, leased.tokens)).refreshToken;
      tokens = await (await deps.tiktok()).refreshToken(refreshToken);
    } catch (err) {
      if (isTikTokError(err, 'invalid_grant')) return rejected(ref, leased, fence, err, earlier);
      const cause = uncertainCause(err);
      if (cause) log.warn('Token refresh outcome unknown: TikTok may have rotated the refresh token', { ...ref, cause, error: err as Error });
      await releaseLease(deps, ref, owner, cause ? { cause } : undefined).catch((e: unknown) =>
        log.warn('Could not release the refresh lease', { ...ref, error: e as Error }),
      );
      throw err;
    }
    unsaved.set(key, { baseVersion: leased.tokenVersion, tokens });
    let saved: DatasourceRecord | undefined;
    try {
      saved = await storeRotated(ref, fence, leased, tokens);
    } catch (err) {
      log.error('Refreshed tokens could not be stored; kept in memory for the next refresh here', { ...ref, error: err as Error });
      await releaseLease(deps, ref, owner).catch(() => undefined);
      throw err;
    }
    unsaved.delete(key);
    if (saved) {
      log.info('TikTok access token refreshed', { ...ref, tokenVersion: saved.tokenVersion, accessTokenExpiresAt: saved.accessTokenExpiresAt });
      return saved;
    }
    // Newer tokens were written meanwhile (a re-connect): they win.
    return readActive(ref);
  }

  /**
   * Writes rotated tokens, retrying store errors a few times: after a rotation they are the only
   * valid refresh token, so they are worth more than a fast failure. If our lease ran out meanwhile
   * but nobody wrote newer tokens, they are kept all the same, fenced by version alone.
   */
  async function storeRotated(ref: DatasourceRef, fence: Fence, leased: DatasourceRecord, tokens: TokenSet): Promise<DatasourceRecord | undefined> {
    const sealed = await deps.vault.seal(ref, tokens);
    const byVersion: Fence = { kind: 'version', observedVersion: leased.tokenVersion };
    for (let attempt = 1; ; attempt += 1) {
      try {
        return (
          (await saveRefreshedTokens(deps, ref, fence, sealed, tokens, leased.scopes)) ??
          (await saveRefreshedTokens(deps, ref, byVersion, sealed, tokens, leased.scopes))
        );
      } catch (err) {
        if (attempt >= SAVE_ATTEMPTS) throw err;
        log.warn('Storing refreshed tokens failed; retrying', { ...ref, attempt, error: err as Error });
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  async function rejected(
    ref: DatasourceRef,
    leased: DatasourceRecord,
    fence: Fence,
    err: TikTokError,
    earlier: { cause: string; since?: string } | undefined,
  ): Promise<DatasourceRecord> {
    // With strict rotation, invalid_grant after a lost answer means TikTok did process that refresh.
    const reason = earlier
      ? `TikTok rejected the refresh token (${err.tiktokCode}) after an earlier refresh whose answer was lost (${earlier.cause}${earlier.since ? ` at ${earlier.since}` : ''}): TikTok rotated it then and the new one never arrived.`
      : `TikTok rejected the refresh token (${err.tiktokCode}).`;
    let marked = await markNeedsReauth(deps, ref, fence, reason);
    if (!marked) {
      // Our lease ran out: someone else may have refreshed (or re-connected) meanwhile.
      const current = await readActive(ref);
      if (current.tokenVersion !== leased.tokenVersion) return current;
      marked = await markNeedsReauth(deps, ref, { kind: 'version', observedVersion: leased.tokenVersion }, reason);
      if (!marked) return readActive(ref);
    }
    log.warn('Datasource needs re-authorisation', { ...ref, tiktokCode: err.tiktokCode, tiktokLogId: err.logId, afterLostRefresh: earlier !== undefined });
    await deps.onNeedsReauth?.(leased, reason).catch((e: unknown) => log.warn('needs_reauth notification failed', { ...ref, error: e as Error }));
    throw needsReauthError({ ...leased, statusReason: reason });
  }

  async function usable(ref: DatasourceRef): Promise<DatasourceRecord> {
    const record = await readActive(ref);
    if (record.accessTokenExpiresAt - deps.now() >= margin) return record;
    return (await awaitAsCaller(ref, refresh(ref, record.tokenVersion))).record;
  }

  return {
    async withAccessToken(ref, fn) {
      const record = await usable(ref);
      const { accessToken } = await deps.vault.open(ref, record.tokens);
      // The open_id keys the quota window when TIKTOK_QUOTA_SCOPE=user (docs/quota.md).
      const asUser = <R>(call: () => Promise<R>) => withinWork({ openId: record.openId }, call);
      try {
        return await asUser(() => fn(accessToken, publicDatasource(record)));
      } catch (err) {
        if (!isTikTokError(err, 'token_invalid')) throw err;
        log.info('TikTok rejected the access token; refreshing once and retrying', { ...ref, tiktokLogId: err.logId });
        const next = (await awaitAsCaller(ref, refresh(ref, record.tokenVersion))).record;
        const retried = await deps.vault.open(ref, next.tokens);
        return asUser(() => fn(retried.accessToken, publicDatasource(next)));
      }
    },
    async getAccessToken(ref) {
      const record = await usable(ref);
      const { accessToken } = await deps.vault.open(ref, record.tokens);
      return { accessToken, datasource: publicDatasource(record) };
    },
    async refresh(ref, observedVersion) {
      const version = observedVersion ?? (await readActive(ref)).tokenVersion;
      return refresh(ref, version);
    },
  };
}
