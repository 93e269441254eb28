/** What the connect flow depends on, as small injectable pieces; `connectDeps()` wires them from appContext. */
import { appContext } from '../context.ts';
import { datasourceDeps } from '../datasources/default-deps.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import type { PkceEncoding, TikTokClient } from '../tiktok/index.ts';
import type { TokenVault } from '../tokens/vault.ts';

export interface ConnectDeps extends DatasourceStoreDeps {
  /** The URL users reach; builds connect URLs and the exact redirect_uri. */
  publicBaseUrl: string;
  pkceEncoding: PkceEncoding;
  tiktok: () => Promise<TikTokClient>;
  vault: TokenVault;
}

export function connectDeps(): ConnectDeps {
  const { config } = appContext();
  return { ...datasourceDeps(), publicBaseUrl: config.publicBaseUrl, pkceEncoding: config.tiktok.pkceChallengeEncoding };
}

export const CALLBACK_PATH = '/v1/oauth/callback';

/** The redirect_uri, identical at /authorize/ and /oauth/token/ (TikTok compares it exactly). */
export function callbackUrl(publicBaseUrl: string): string {
  return `${publicBaseUrl}${CALLBACK_PATH}`;
}

export function connectLinkUrl(publicBaseUrl: string, linkId: string): string {
  return `${publicBaseUrl}/v1/connect/${encodeURIComponent(linkId)}`;
}
