/**
 * What the report domain needs from the rest of the service, as small interfaces so tests (and the
 * benchmark) inject fakes. `defaultReportDeps()` wires the real ones.
 */
import type { TikTokClient } from '../tiktok/index.ts';

/** The three Display API reads; TikTok's JSON comes back as-is. */
export type TikTokReads = Pick<TikTokClient, 'getUserInfo' | 'listVideos' | 'queryVideos'>;

export interface DatasourceRef {
  tenantId: string;
  datasourceId: string;
}

/** The part of a stored datasource the reports read. */
export interface GrantedDatasource {
  scopes: readonly string[];
  /** The account's TikTok display name, stored at connect time (reports name the account with it). */
  displayName?: string;
  /** Epoch ms (app clock) the access token expires. */
  accessTokenExpiresAt?: number;
}

export interface ReportDeps {
  /** The app's TikTok client (one per container). */
  tiktokClient(): Promise<TikTokReads>;
  /**
   * Runs `fn` with a fresh access token of the tenant's datasource (404 unknown/other tenant's,
   * 409 needs_reauth; refresh single-flight; one retry on token_invalid).
   */
  withAccessToken<T>(ref: DatasourceRef, fn: (accessToken: string, datasource: GrantedDatasource) => Promise<T>): Promise<T>;
  /** Epoch ms. */
  now(): number;
  runCloud9QL(query: string, input: unknown): Record<string, unknown>[];
  /** Fails on a bad query (Cloud9QLError) before anything is fetched; absent: checked when it runs. */
  checkCloud9QL?(query: string): void;
}
