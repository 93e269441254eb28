/**
 * The sandbox's authorization server state: codes, grants, access and refresh tokens.
 * - codes: single-use (any redemption attempt spends one), 5 minutes, bound to client_key,
 *   redirect_uri and the PKCE challenge; replaying a spent code also revokes what it issued (RFC 6749 §4.1.2);
 * - access tokens expire after the configured lifetime; refresh tokens rotate on every refresh (the old
 *   one dies at once) and expire; revoking any token of a grant kills the whole grant.
 * Failures are returned as OAuth error values, not thrown: the endpoint turns them into TikTok's JSON.
 */
import { randomBytes } from 'node:crypto';
import { isPkceVerifier, pkceChallenge } from '../pkce.ts';
import type { TokenResponse } from '../types.ts';

export const CODE_TTL_MS = 5 * 60_000;
export type ChallengeEncoding = 'base64url' | 'hex' | 'any';

export interface OAuthFailure {
  error: string;
  description: string;
  status: number;
}

interface CodeRecord {
  openId: string;
  clientKey: string;
  redirectUri: string;
  scopes: string[];
  challenge?: string;
  expiresAt: number;
  spent: boolean;
  grantId?: number;
}

interface Grant {
  id: number;
  openId: string;
  scopes: string[];
  revoked: boolean;
}

interface TokenRecord {
  grantId: number;
  expiresAt: number;
  /** Refresh tokens: false once rotated or revoked. */
  live: boolean;
}

export interface AccessGrant {
  openId: string;
  scopes: string[];
}

/** What survives a restart of the local runtime: grants and tokens (codes live 5 minutes: not kept). */
export interface SandboxTokenSnapshot {
  v: 1;
  nextGrant: number;
  grants: Grant[];
  access: Array<[string, TokenRecord]>;
  refresh: Array<[string, TokenRecord]>;
}

export interface TokenStoreDeps {
  now: () => number;
  /** Called after every change to grants or tokens (the local runtime persists them). */
  onChange?: () => void;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  challengeEncoding: ChallengeEncoding;
}

export class SandboxTokens {
  private codes = new Map<string, CodeRecord>();
  private grants = new Map<number, Grant>();
  private access = new Map<string, TokenRecord>();
  private refresh = new Map<string, TokenRecord>();
  private nextGrant = 1;

  constructor(private readonly deps: TokenStoreDeps) {}

  snapshot(): SandboxTokenSnapshot {
    return {
      v: 1,
      nextGrant: this.nextGrant,
      grants: [...this.grants.values()].map((g) => ({ ...g })),
      access: [...this.access].map(([k, r]) => [k, { ...r }]),
      refresh: [...this.refresh].map(([k, r]) => [k, { ...r }]),
    };
  }

  restore(snapshot: SandboxTokenSnapshot): void {
    this.grants = new Map(snapshot.grants.map((g) => [g.id, { ...g }]));
    this.access = new Map(snapshot.access);
    this.refresh = new Map(snapshot.refresh);
    this.nextGrant = snapshot.nextGrant;
  }

  private changed(): void {
    this.deps.onChange?.();
  }

  setLifetimes(accessSeconds: number, refreshSeconds: number): void {
    this.deps.accessTtlSeconds = accessSeconds;
    this.deps.refreshTtlSeconds = refreshSeconds;
  }

  /** TikTok-looking code; `*` and `!` force callers to URL-decode it as TikTok's docs warn. */
  issueCode(rec: Omit<CodeRecord, 'expiresAt' | 'spent'>): string {
    const code = `${randomBytes(24).toString('base64url')}*0!${randomBytes(2).readUInt16BE()}.va`;
    this.codes.set(code, { ...rec, expiresAt: this.deps.now() + CODE_TTL_MS, spent: false });
    return code;
  }

  exchangeCode(p: { clientKey: string; code: string; redirectUri: string; codeVerifier?: string }): TokenResponse | OAuthFailure {
    const rec = this.codes.get(p.code);
    if (!rec) return invalidGrant('Authorization code is invalid.');
    if (rec.spent) {
      if (rec.grantId !== undefined) this.revokeGrant(rec.grantId);
      return invalidGrant('Authorization code has been used.');
    }
    rec.spent = true;
    if (this.deps.now() > rec.expiresAt) return invalidGrant('Authorization code is expired.');
    if (rec.clientKey !== p.clientKey) return invalidGrant('Authorization code was issued to another client.');
    if (rec.redirectUri !== p.redirectUri) return invalidGrant('Redirect URI does not match the authorization request.');
    if (rec.challenge !== undefined && !this.verifierMatches(rec.challenge, p.codeVerifier)) {
      return { error: 'invalid_request', description: 'Code verifier or code challenge is invalid.', status: 400 };
    }
    const grant: Grant = { id: this.nextGrant++, openId: rec.openId, scopes: rec.scopes, revoked: false };
    this.grants.set(grant.id, grant);
    rec.grantId = grant.id;
    return this.issueTokens(grant);
  }

  refreshGrant(refreshToken: string): TokenResponse | OAuthFailure {
    const rec = this.refresh.get(refreshToken);
    const grant = rec && this.grants.get(rec.grantId);
    if (!rec || !grant || !rec.live || grant.revoked) return invalidGrant('Refresh token is invalid or has been revoked.');
    if (this.deps.now() >= rec.expiresAt) return invalidGrant('Refresh token is expired.');
    rec.live = false; // rotation: the old refresh token dies as the new one is issued
    return this.issueTokens(grant);
  }

  /** RFC 7009: revoking an unknown token is not an error. Either token of a grant revokes the grant. */
  revoke(token: string): void {
    const rec = this.access.get(token) ?? this.refresh.get(token);
    if (rec) this.revokeGrant(rec.grantId);
  }

  authenticate(accessToken: string): AccessGrant | undefined {
    const rec = this.access.get(accessToken);
    const grant = rec && this.grants.get(rec.grantId);
    if (!rec || !grant || grant.revoked || !rec.live || this.deps.now() >= rec.expiresAt) return undefined;
    return { openId: grant.openId, scopes: grant.scopes };
  }

  expireAccessTokens(openId?: string): void {
    for (const rec of this.matching(this.access, openId)) rec.expiresAt = Math.min(rec.expiresAt, this.deps.now());
    this.changed();
  }

  revokeRefreshTokens(openId?: string): void {
    for (const rec of this.matching(this.refresh, openId)) rec.live = false;
    this.changed();
  }

  clear(): void {
    this.codes.clear();
    this.grants.clear();
    this.access.clear();
    this.refresh.clear();
    this.changed();
  }

  private verifierMatches(challenge: string, verifier: string | undefined): boolean {
    if (!verifier || !isPkceVerifier(verifier)) return false;
    const encodings = this.deps.challengeEncoding === 'any' ? (['base64url', 'hex'] as const) : [this.deps.challengeEncoding];
    return encodings.some((encoding) => pkceChallenge(verifier, encoding) === challenge);
  }

  private issueTokens(grant: Grant): TokenResponse {
    const now = this.deps.now();
    const { accessTtlSeconds, refreshTtlSeconds } = this.deps;
    const accessToken = `act.${randomBytes(30).toString('base64url')}!${grant.id}.va`;
    const refreshToken = `rft.${randomBytes(30).toString('base64url')}!${grant.id}.va`;
    this.access.set(accessToken, { grantId: grant.id, expiresAt: now + accessTtlSeconds * 1000, live: true });
    this.refresh.set(refreshToken, { grantId: grant.id, expiresAt: now + refreshTtlSeconds * 1000, live: true });
    const response: TokenResponse = {
      access_token: accessToken,
      expires_in: accessTtlSeconds,
      open_id: grant.openId,
      refresh_token: refreshToken,
      refresh_expires_in: refreshTtlSeconds,
      scope: grant.scopes.join(','),
      token_type: 'Bearer',
    };
    this.changed();
    return response;
  }

  private revokeGrant(grantId: number): void {
    const grant = this.grants.get(grantId);
    if (grant) grant.revoked = true;
    this.changed();
  }

  private *matching(records: Map<string, TokenRecord>, openId: string | undefined): Iterable<TokenRecord> {
    for (const rec of records.values()) {
      if (openId === undefined || this.grants.get(rec.grantId)?.openId === openId) yield rec;
    }
  }
}

function invalidGrant(description: string): OAuthFailure {
  return { error: 'invalid_grant', description, status: 400 };
}

export function isFailure(value: TokenResponse | OAuthFailure): value is OAuthFailure {
  return 'error' in value;
}
