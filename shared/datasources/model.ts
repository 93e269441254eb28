/**
 * A datasource: one connected TikTok account of one tenant. The stored item also carries the sealed
 * tokens and the refresh lease (shared/tokens); `datasourceView` is the ONLY shape that leaves the
 * service, and it is built field by field so no token, envelope or lease can slip into a response.
 */
import { randomUUID } from 'node:crypto';
import { keys } from '../store/table.ts';

export const DATASOURCE_STATUSES = ['active', 'needs_reauth', 'revoked'] as const;
export type DatasourceStatus = (typeof DATASOURCE_STATUSES)[number];

export interface DatasourceRef {
  tenantId: string;
  datasourceId: string;
}

export interface Datasource {
  id: string;
  tenantId: string;
  name: string;
  status: DatasourceStatus;
  /** Scopes the account owner granted (may be a subset of the four requested). */
  scopes: string[];
  openId: string;
  displayName?: string;
  /** Epoch ms, from the token response's own lifetimes. */
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  createdAt: string;
  updatedAt: string;
  lastRefreshAt?: string;
  /** Why the status is not `active` (e.g. TikTok rejected the refresh token). */
  statusReason?: string;
}

/** The stored item: the datasource plus token-vault and lease state (never returned by the API). */
export interface DatasourceRecord extends Datasource {
  /** The sealed tokens (shared/tokens/vault.ts SealedTokens); absent once deleted/revoked. */
  tokens?: unknown;
  /** Bumped by every token write: the fencing value all refresh writes are conditioned on. */
  tokenVersion: number;
  leaseOwner?: string;
  leaseUntil?: number;
  /**
   * The last refresh attempt ended without knowing whether TikTok processed it (timeout, reset, 5xx),
   * so the stored refresh token may already be rotated away. Cleared by the next stored tokens.
   */
  refreshUncertainAt?: number;
  refreshUncertainCause?: string;
}

export interface DatasourceView {
  id: string;
  name: string;
  status: DatasourceStatus;
  statusReason?: string;
  scopes: string[];
  openId: string;
  displayName: string | null;
  accessTokenExpiresAt: string;
  refreshTokenExpiresAt: string;
  createdAt: string;
  updatedAt: string;
  lastRefreshAt: string | null;
}

export const DATASOURCE_SK_PREFIX = 'DS#';

export function datasourceKey(ref: DatasourceRef): { pk: string; sk: string } {
  return keys.datasource(ref.tenantId, ref.datasourceId);
}

/** The open_id -> datasource mapping item: makes re-connecting the same account update, not duplicate. */
export function openIdKey(tenantId: string, openId: string): { pk: string; sk: string } {
  return { pk: keys.tenant(tenantId).pk, sk: `OPENID#${openId}` };
}

export const TOKEN_EXPIRY_PARTITION = 'TOKENEXP';

/** gsi2 attributes: active datasources by access-token expiry, for the refresh sweep. */
export function tokenExpiryIndex(ref: DatasourceRef, accessTokenExpiresAt: number): { gsi2pk: string; gsi2sk: string } {
  return {
    gsi2pk: TOKEN_EXPIRY_PARTITION,
    gsi2sk: `${new Date(accessTokenExpiresAt).toISOString()}#${ref.tenantId}#${ref.datasourceId}`,
  };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

export function recordFromItem(item: Record<string, unknown>): DatasourceRecord {
  const status = DATASOURCE_STATUSES.includes(item.status as DatasourceStatus) ? (item.status as DatasourceStatus) : 'needs_reauth';
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    name: String(item.name ?? ''),
    status,
    statusReason: str(item.statusReason),
    scopes: Array.isArray(item.scopes) ? item.scopes.map(String) : [],
    openId: String(item.openId ?? ''),
    displayName: str(item.displayName),
    accessTokenExpiresAt: num(item.accessTokenExpiresAt),
    refreshTokenExpiresAt: num(item.refreshTokenExpiresAt),
    createdAt: String(item.createdAt ?? ''),
    updatedAt: String(item.updatedAt ?? ''),
    lastRefreshAt: str(item.lastRefreshAt),
    tokens: item.tokens,
    tokenVersion: num(item.tokenVersion),
    leaseOwner: str(item.leaseOwner),
    leaseUntil: item.leaseUntil === undefined ? undefined : num(item.leaseUntil),
    refreshUncertainAt: item.refreshUncertainAt === undefined ? undefined : num(item.refreshUncertainAt),
    refreshUncertainCause: str(item.refreshUncertainCause),
  };
}

/** Strips the vault and lease state. */
export function publicDatasource(r: DatasourceRecord): Datasource {
  const { tokens: _t, tokenVersion: _v, leaseOwner: _o, leaseUntil: _u, refreshUncertainAt: _a, refreshUncertainCause: _c, ...ds } = r;
  return ds;
}

export function datasourceView(ds: Datasource): DatasourceView {
  return {
    id: ds.id,
    name: ds.name,
    status: ds.status,
    ...(ds.statusReason ? { statusReason: ds.statusReason } : {}),
    scopes: [...ds.scopes],
    openId: ds.openId,
    displayName: ds.displayName ?? null,
    accessTokenExpiresAt: new Date(ds.accessTokenExpiresAt).toISOString(),
    refreshTokenExpiresAt: new Date(ds.refreshTokenExpiresAt).toISOString(),
    createdAt: ds.createdAt,
    updatedAt: ds.updatedAt,
    lastRefreshAt: ds.lastRefreshAt ?? null,
  };
}

export function newDatasourceId(): string {
  return `ds_${randomUUID().replace(/-/g, '')}`;
}
