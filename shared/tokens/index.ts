/**
 * Public entry of the tokens concern: access tokens for reports and scheduled runs, the refresh
 * sweep, and the vault that keeps tokens encrypted.
 */
export { getAccessToken, tokenService, withAccessToken } from './default-service.ts';
export {
  createTokenService,
  DEFAULT_REFRESH_MARGIN_MS,
  type TokenService,
  } from './service.ts';
export { sweepExpiringTokens, TOKEN_REFRESH_METRICS, type SweepSummary } from './sweep.ts';
export { tokenVault } from './default-vault.ts';
