/**
 * The OAuth callback, every step explicit and validated (oauth4webapi style):
 * 1. consume the one-time state (forged, replayed or expired: stop, nothing stored);
 * 2. the link it was issued for must still be unused (it may have expired meanwhile: the state was
 *    issued while it was valid and itself lives only 10 minutes);
 * 3. TikTok's `error` (e.g. access_denied) stops here;
 * 4. exchange the code with the state's PKCE verifier and the same redirect_uri;
 * 5. user.info.basic must be granted (other scopes may be missing: stored as granted, shown as missing);
 * 6. read the display name (best effort: a failure here does not lose a successful consent);
 * 7. claim the link, then store the datasource (released again if storing fails).
 * Outcomes are data; the handler renders them as HTML pages.
 */
import type { Datasource, DatasourceRef } from '../datasources/model.ts';
import { dynamoCaptureStore } from '../history/dynamo-store.ts';
import { readHistorySettings } from '../history/settings.ts';
import { scheduleCaptureNow } from '../history/sweep.ts';
import { QuotaExhaustedError } from '../quota/errors.ts';
import { withWork } from '../quota/work.ts';
import { saveConnectedAccount } from '../datasources/save-connected.ts';
import { logger } from '../logger.ts';
import { emitDatasourceEvent, rememberTikTokUser } from '../webhooks/emit.ts';
import { ALL_SCOPES, isTikTokError, type TikTokClient, type TokenSet } from '../tiktok/index.ts';
import type { CallbackDeps } from './deps.ts';
import { claimConnectLink, getConnectLink, releaseConnectLink } from './links.ts';
import { consumeState } from './state.ts';

export const REQUIRED_SCOPE = 'user.info.basic';

export interface CallbackQuery {
  state?: string;
  code?: string;
  scopes?: string;
  error?: string;
  error_description?: string;
}

export type CallbackFailureCode =
  | 'invalid_state'
  | 'state_expired'
  | 'link_used'
  | 'access_denied'
  | 'authorization_failed'
  | 'missing_code'
  | 'code_rejected'
  | 'scope_required'
  | 'tiktok_unavailable'
  | 'tiktok_timeout'
  | 'internal_error';

export type CallbackOutcome =
  | { ok: true; datasource: Datasource; created: boolean; grantedScopes: string[]; missingScopes: string[] }
  | { ok: false; status: number; code: CallbackFailureCode; detail?: string };

const fail = (status: number, code: CallbackFailureCode, detail?: string): CallbackOutcome => ({ ok: false, status, code, detail });

/** TikTok's error values are short snake_case words; anything else is not echoed back. */
function safeErrorValue(value: string): string {
  return /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : 'unknown_error';
}

function exchangeFailure(err: unknown): CallbackOutcome {
  // No permit for TikTok's token endpoint in time: as for a TikTok outage, the owner tries again.
  if (err instanceof QuotaExhaustedError) return fail(502, 'tiktok_unavailable');
  if (isTikTokError(err)) {
    logger.warn('TikTok code exchange failed', { kind: err.kind, tiktokCode: err.tiktokCode, tiktokLogId: err.logId });
    if (err.kind === 'timeout') return fail(504, 'tiktok_timeout');
    if (err.kind === 'upstream' || err.kind === 'rate_limited') return fail(502, 'tiktok_unavailable');
    return fail(400, 'code_rejected', safeErrorValue(err.tiktokCode));
  }
  throw err;
}

async function displayName(client: TikTokClient, tokens: TokenSet): Promise<string | undefined> {
  try {
    const res = await client.getUserInfo(tokens.accessToken, ['open_id', 'display_name']);
    const user = res.data.user;
    if (user.open_id && user.open_id !== tokens.openId) {
      logger.warn('TikTok user/info answered for another open_id; display name ignored');
      return undefined;
    }
    return user.display_name || undefined;
  } catch (err) {
    logger.warn('Could not read the TikTok display name; connecting without it', { error: err as Error });
    return undefined;
  }
}

/**
 * Connected or re-authorised: today's snapshot is due now unless today already has one (a new
 * account's first snapshot is the baseline every growth figure needs). Composed here, not in
 * datasources, so datasources stays below history. Never fails the connect: without it the
 * datasource is still captured at its daily slot.
 */
async function scheduleFirstSnapshot(deps: CallbackDeps, ref: DatasourceRef): Promise<void> {
  try {
    const store = dynamoCaptureStore({ dynamo: deps.dynamo, tableName: deps.tableName, now: () => deps.now(), settings: readHistorySettings() });
    await scheduleCaptureNow(store, ref, deps.now());
  } catch (err) {
    logger.warn('Could not schedule the first snapshot; it follows at the daily slot', { ...ref, error: err as Error });
  }
}

export async function completeOAuthCallback(deps: CallbackDeps, query: CallbackQuery): Promise<CallbackOutcome> {
  const consumed = await consumeState(deps, query.state);
  if (!consumed.ok) return consumed.reason === 'expired' ? fail(400, 'state_expired') : fail(400, 'invalid_state');
  const { binding, stateHash, codeVerifier } = consumed;

  const link = await getConnectLink(deps, binding.linkId);
  if (!link || link.status === 'used' || link.tenantId !== binding.tenantId) return fail(410, 'link_used');

  if (query.error) {
    return query.error === 'access_denied' ? fail(403, 'access_denied') : fail(400, 'authorization_failed', safeErrorValue(query.error));
  }
  if (!query.code) return fail(400, 'missing_code');

  const client = await deps.tiktok();
  let tokens: TokenSet;
  try {
    // The account owner is waiting on this page: interactive lane of the link's tenant.
    tokens = await withWork({ tenantId: binding.tenantId, priority: 'interactive' }, () =>
      client.exchangeCode({ code: query.code!, redirectUri: binding.redirectUri, codeVerifier }),
    );
  } catch (err) {
    return exchangeFailure(err);
  }
  // The token response's `scope` is authoritative (the callback's `scopes` is informational).
  if (!tokens.scopes.includes(REQUIRED_SCOPE)) return fail(403, 'scope_required', REQUIRED_SCOPE);

  const name = await withWork({ tenantId: binding.tenantId, priority: 'interactive', openId: tokens.openId }, () => displayName(client, tokens));
  if (!(await claimConnectLink(deps, binding.linkId, stateHash))) return fail(410, 'link_used');
  try {
    const saved = await saveConnectedAccount(deps, deps.vault, { tenantId: binding.tenantId, name: link.name, displayName: name, tokens });
    await scheduleFirstSnapshot(deps, { tenantId: binding.tenantId, datasourceId: saved.datasource.id });
    logger.info('TikTok account connected', { tenantId: binding.tenantId, datasourceId: saved.datasource.id, created: saved.created, scopes: tokens.scopes });
    // Webhooks (docs/webhooks.md): never fail the connect; the id is the token version, so a replayed callback repeats it.
    await rememberTikTokUser(deps, saved.datasource.openId, binding.tenantId, saved.datasource.id);
    await emitDatasourceEvent(saved.created ? 'datasource.connected' : 'datasource.recovered', binding.tenantId, saved.datasource, [saved.datasource.updatedAt], {}, deps.now());
    return {
      ok: true,
      datasource: saved.datasource,
      created: saved.created,
      grantedScopes: tokens.scopes,
      missingScopes: ALL_SCOPES.filter((s) => !tokens.scopes.includes(s)),
    };
  } catch (err) {
    logger.error('Storing the connected account failed', { tenantId: binding.tenantId, error: err as Error });
    await releaseConnectLink(deps, binding.linkId, stateHash).catch(() => undefined);
    return fail(500, 'internal_error');
  }
}
