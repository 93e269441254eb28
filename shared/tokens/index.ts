/**
 * Public entry of the tokens concern: access tokens for reports and scheduled runs, the refresh
 * sweep, and the vault that keeps tokens encrypted.
 */
export { getAccessToken, tokenService, withAccessToken } from './default-service.ts';
export {
  createTokenService,
  DEFAULT_LEASE_MS,
  DEFAULT_REFRESH_WAIT_MS,
  DEFAULT_REFRESH_MARGIN_MS,
  TokenRefreshBusyError,
  type RefreshOutcome,
  type TokenService,
  type TokenServiceDeps,
} from './service.ts';
export { sweepExpiringTokens, TOKEN_REFRESH_METRICS, type SweepFailure, type SweepOptions, type SweepSummary } from './sweep.ts';
export { tokenVault } from './default-vault.ts';
export { awaitingTokenRefreshes } from './refresh-scope.ts';
export { createTokenVault, type SealedTokens, type TokenContext, type TokenSecrets, type TokenVault, type VaultOptions } from './vault.ts';
export type { GeneratedDataKey, Keyring, KeyringKind } from './keyring.ts';
export { createKmsKeyring } from './kms-keyring.ts';
export { createLocalKeyring, rotateLocalMasterKey, MasterKeyFileError } from './local-keyring.ts';
export { DecryptionError } from './crypto.ts';
