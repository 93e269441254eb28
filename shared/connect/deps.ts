/**
 * What the connect flow depends on, as small injectable pieces wired from appContext. Links and the
 * redirect (`connect` function) never touch tokens, so only the callback's deps carry the token vault:
 * the `connect` role has no KMS permission and its bundle has no KMS client (test/infra/bundle-contents).
 */
import { appContext, tableAccess } from '../context.ts';
import { getTikTokClient } from '../credentials/tiktok-app.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import type { PkceEncoding, TikTokClient } from '../tiktok/index.ts';
import { tokenVault } from '../tokens/default-vault.ts';
import type { TokenVault } from '../tokens/vault.ts';
import { routePath } from '../topology/routes.ts';

export interface ConnectDeps extends DatasourceStoreDeps {
  /** The URL users reach; builds connect URLs and the exact redirect_uri. */
  publicBaseUrl: string;
  pkceEncoding: PkceEncoding;
  tiktok: () => Promise<TikTokClient>;
}

/** The OAuth callback also stores the exchanged tokens, encrypted. */
export interface CallbackDeps extends ConnectDeps {
  vault: TokenVault;
}

export function connectDeps(): ConnectDeps {
  const { config } = appContext();
  return { ...tableAccess(), tiktok: getTikTokClient, publicBaseUrl: config.publicBaseUrl, pkceEncoding: config.tiktok.pkceChallengeEncoding };
}

export function callbackDeps(): CallbackDeps {
  return { ...connectDeps(), vault: tokenVault() };
}

export const CALLBACK_PATH = routePath('oauthCallback');

/** The redirect_uri, identical at /authorize/ and /oauth/token/ (TikTok compares it exactly). */
export function callbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}${CALLBACK_PATH}`;
}

export function connectLinkUrl(publicBaseUrl: string, linkId: string): string {
  return `${publicBaseUrl}${routePath('openConnectLink', { linkId })}`;
}
