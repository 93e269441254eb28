/**
 * The token vault as the datasource operations use it (seal on connect, open on delete): a port that
 * shared/tokens implements (vault.ts), so datasources stays below tokens, which reads and writes
 * datasource items (docs/architecture.md "Code layout and dependency rules").
 */
import type { DatasourceRef } from './model.ts';

/** What is sealed: both tokens together, so one open serves a call and its refresh. */
export interface TokenSecrets {
  accessToken: string;
  refreshToken: string;
}

export interface TokenVaultPort {
  /** The envelope to store in the datasource item. */
  seal(ref: DatasourceRef, secrets: TokenSecrets): Promise<unknown>;
  open(ref: DatasourceRef, sealed: unknown): Promise<TokenSecrets>;
}
