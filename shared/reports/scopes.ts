/**
 * Scope checks before any TikTok call (docs/tiktok.md §5 "Partial consent"): every requested field
 * needs its scope (FIELD_CATALOGUE) and the endpoint needs its own (ENDPOINT_SCOPE). Asking TikTok
 * anyway would only earn `scope_permission_missed`, and spend rate limit.
 */
import { missingScopes, requiredScopes, scopeForField, type ReportType as TikTokReportType } from '../tiktok/index.ts';
import { ScopeNotGrantedError } from './errors.ts';

export interface ScopeShortfall {
  scope: string;
  /** Requested fields that need the scope (empty when only the endpoint needs it). */
  fields: string[];
}

/** What is missing, per scope, in the order requiredScopes() gives (endpoint scope first). */
export function scopeShortfall(reportType: TikTokReportType, fields: readonly string[], granted: readonly string[]): ScopeShortfall[] {
  return missingScopes(reportType, fields, granted).map((scope) => ({
    scope,
    fields: fields.filter((f) => scopeForField(reportType, f) === scope),
  }));
}

function describe(reportType: TikTokReportType, s: ScopeShortfall): string {
  const who = s.fields.length > 0 ? `field${s.fields.length > 1 ? 's' : ''} ${s.fields.join(', ')}` : `the ${reportType} report`;
  return `${s.scope} (needed by ${who})`;
}

/** Throws 403 scope_not_granted naming each missing scope and the fields that need it. */
export function assertScopesGranted(reportType: TikTokReportType, fields: readonly string[], granted: readonly string[]): void {
  const shortfall = scopeShortfall(reportType, fields, granted);
  if (shortfall.length === 0) return;
  const plural = shortfall.length > 1 ? 's' : '';
  throw new ScopeNotGrantedError(
    `The TikTok account did not grant the scope${plural} ${shortfall.map((s) => describe(reportType, s)).join('; ')}. ` +
      'Remove those fields, or re-connect the account with a new connect link and grant the scope.',
    shortfall,
  );
}

/**
 * TikTok refused for scope reasons although the stored grant looked sufficient (the owner changed
 * it at TikTok, or the stored list is stale): the same 403, naming every scope the request needs,
 * since TikTok does not say which one it missed.
 */
export function scopeRefusedByTikTok(
  reportType: TikTokReportType,
  fields: readonly string[],
  tiktok: { tiktokCode?: string; logId?: string },
): ScopeNotGrantedError {
  const needed: ScopeShortfall[] = requiredScopes(reportType, fields).map((scope) => ({
    scope,
    fields: fields.filter((f) => scopeForField(reportType, f) === scope),
  }));
  return new ScopeNotGrantedError(
    `TikTok refused the request (${tiktok.tiktokCode ?? 'scope error'}): the account has not granted a scope it needs. ` +
      `The request needs ${needed.map((s) => describe(reportType, s)).join('; ')}. Re-connect the account with a new connect link and grant them.`,
    needed,
    { ...(tiktok.tiktokCode ? { tiktokCode: tiktok.tiktokCode } : {}), ...(tiktok.logId ? { tiktokLogId: tiktok.logId } : {}) },
  );
}

