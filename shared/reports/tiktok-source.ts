/**
 * The common path of every TikTok-backed report: resolve the datasource and a fresh token, check
 * the granted scopes against the requested fields (403 before any call), make the call. TikTok's
 * own scope refusals get the same 403; every other TikTokError goes up for the HTTP layer to map.
 */
import { isTikTokError, type ReportType as TikTokReportType } from '../tiktok/index.ts';
import type { GrantedDatasource, ReportDeps, TikTokReads } from './deps.ts';
import { assertScopesGranted, scopeRefusedByTikTok } from './scopes.ts';

export interface TikTokFetch {
  deps: ReportDeps;
  tenantId: string;
  datasourceId: string;
  reportType: TikTokReportType;
  fields: string[];
}

/** The account as the HTML report names it: the display name stored on the datasource (no extra TikTok call). */
export function accountMeta(datasource: GrantedDatasource): { account: { displayName: string } } | undefined {
  return datasource.displayName ? { account: { displayName: datasource.displayName } } : undefined;
}

export async function fetchFromTikTok<T>(
  f: TikTokFetch,
  call: (client: TikTokReads, accessToken: string, datasource: GrantedDatasource) => Promise<T>,
): Promise<T> {
  try {
    // The datasource (404/409) and its scopes (403) first; the app secret behind the client only
    // then, so a slow or failing Secrets Manager cannot turn those answers into a 500.
    return await f.deps.withAccessToken({ tenantId: f.tenantId, datasourceId: f.datasourceId }, async (accessToken, datasource) => {
      assertScopesGranted(f.reportType, f.fields, datasource.scopes);
      const client = await f.deps.tiktokClient();
      return call(client, accessToken, datasource);
    });
  } catch (err) {
    if (isTikTokError(err, 'scope_not_authorized') || isTikTokError(err, 'scope_permission_missed')) {
      throw scopeRefusedByTikTok(f.reportType, f.fields, err);
    }
    throw err;
  }
}
