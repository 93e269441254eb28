/**
 * Login Kit steps (docs/tiktok.md §1-2), each explicit: authorize URL, code exchange, refresh, revoke.
 * Token endpoints take form-urlencoded bodies and answer flat JSON; `client_key` (never `client_id`).
 */
import { endpointUrl, type ClientContext } from './context.ts';
import { parseCommaList } from './fields.ts';
import { send } from './http.ts';
import { isPkceChallenge } from './pkce.ts';
import { assertNoOAuthError, readTokenResponse } from './responses.ts';
import { neverRetry, retryBeforeSend, withRetry, type RetryRule } from './retry.ts';
import type { TokenResponse, TokenSet } from './types.ts';

export const AUTHORIZE_PATH = '/v2/auth/authorize/';
export const TOKEN_PATH = '/v2/oauth/token/';
export const REVOKE_PATH = '/v2/oauth/revoke/';

export interface AuthorizeParams {
  scopes: string[];
  redirectUri: string;
  state: string;
  codeChallenge: string;
  codeChallengeMethod?: 'S256';
}

export function buildAuthorizeUrl(ctx: ClientContext, p: AuthorizeParams): string {
  if (p.scopes.length === 0 || p.scopes.some((s) => !/^[a-z0-9._]+$/i.test(s))) {
    throw new TypeError('scopes must be a non-empty list of scope names');
  }
  if (!isRedirectUri(p.redirectUri)) throw new TypeError('redirectUri must be an absolute http(s) URL without a fragment');
  if (!p.state) throw new TypeError('state is required');
  if (!isPkceChallenge(p.codeChallenge)) throw new TypeError('codeChallenge must be an S256 challenge (43-128 unreserved characters)');
  if ((p.codeChallengeMethod ?? 'S256') !== 'S256') throw new TypeError('only the S256 code challenge method is supported');
  const e = encodeURIComponent;
  const query = [
    `client_key=${e(ctx.clientKey)}`,
    // Comma-joined with literal commas as in TikTok's examples; each name is encoded on its own.
    `scope=${p.scopes.map(e).join(',')}`,
    'response_type=code',
    `redirect_uri=${e(p.redirectUri)}`,
    `state=${e(p.state)}`,
    `code_challenge=${e(p.codeChallenge)}`,
    'code_challenge_method=S256',
  ].join('&');
  return `${endpointUrl(ctx.authBaseUrl, AUTHORIZE_PATH)}?${query}`;
}

export function isRedirectUri(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === 'https:' || url.protocol === 'http:') && !value.includes('#');
}

export interface ExchangeParams {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** Never retried: the code is single-use, so a second try after TikTok processed the first would fail anyway. */
export async function exchangeCode(ctx: ClientContext, p: ExchangeParams): Promise<TokenSet> {
  const form = {
    client_key: ctx.clientKey,
    client_secret: ctx.clientSecret,
    code: p.code,
    grant_type: 'authorization_code',
    redirect_uri: p.redirectUri,
    code_verifier: p.codeVerifier,
  };
  return tokenCall(ctx, form, [p.code, p.codeVerifier], neverRetry);
}

/** Retried only when the request never reached TikTok (retry.ts): a refresh rotates the refresh token. */
export async function refreshToken(ctx: ClientContext, refreshTokenValue: string): Promise<TokenSet> {
  const form = {
    client_key: ctx.clientKey,
    client_secret: ctx.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: refreshTokenValue,
  };
  return tokenCall(ctx, form, [refreshTokenValue], retryBeforeSend);
}

export async function revokeToken(ctx: ClientContext, accessToken: string): Promise<void> {
  const form = { client_key: ctx.clientKey, client_secret: ctx.clientSecret, token: accessToken };
  const secrets = [ctx.clientSecret, accessToken];
  await withRetry(
    async () => assertNoOAuthError(await postForm(ctx, REVOKE_PATH, form), secrets),
    retryBeforeSend,
    ctx.retry,
  );
}

async function tokenCall(ctx: ClientContext, form: Record<string, string>, secrets: string[], rule: RetryRule): Promise<TokenSet> {
  const allSecrets = [ctx.clientSecret, ...secrets];
  return withRetry(
    async () => {
      // Expiry counts from before the request left: the token is never believed valid longer than it is.
      const sentAt = ctx.transport.now();
      const res = await postForm(ctx, TOKEN_PATH, form);
      return toTokenSet(readTokenResponse(res, allSecrets), sentAt);
    },
    rule,
    ctx.retry,
  );
}

function postForm(ctx: ClientContext, path: string, form: Record<string, string>) {
  return send(ctx.transport, {
    endpoint: path,
    url: endpointUrl(ctx.apiBaseUrl, path),
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    timeoutMs: ctx.tokenTimeoutMs,
  });
}

export function toTokenSet(r: TokenResponse, issuedAt: number): TokenSet {
  return {
    accessToken: r.access_token,
    refreshToken: r.refresh_token,
    openId: r.open_id,
    scopes: parseCommaList(r.scope),
    accessTokenExpiresAt: issuedAt + r.expires_in * 1000,
    refreshTokenExpiresAt: issuedAt + r.refresh_expires_in * 1000,
    tokenType: r.token_type,
  };
}
