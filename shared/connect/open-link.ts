/**
 * Opening a connect link: a fresh one-time state and PKCE verifier per visit, then TikTok's
 * authorize URL with all four scopes and the exact redirect_uri. A used or expired link is `gone`;
 * a link opened too often lately is `busy` (links.ts countLinkOpen bounds the state items it makes).
 */
import { ALL_SCOPES, pkceChallenge } from '../tiktok/index.ts';
import { callbackUrl, type ConnectDeps } from './deps.ts';
import { countLinkOpen, getConnectLink, linkState } from './links.ts';
import { issueState } from './state.ts';

export type OpenLinkResult =
  | { kind: 'redirect'; location: string }
  | { kind: 'not_found' }
  | { kind: 'gone'; reason: 'used' | 'expired' }
  /** Opened too often lately (each open stores an OAuth state): try again after `retryAfterSeconds`. */
  | { kind: 'busy'; retryAfterSeconds: number };

export async function openConnectLink(deps: ConnectDeps, linkId: string): Promise<OpenLinkResult> {
  const link = await getConnectLink(deps, linkId);
  if (!link) return { kind: 'not_found' };
  const state = linkState(link, deps.now());
  if (state !== 'open') return { kind: 'gone', reason: state };
  const counted = await countLinkOpen(deps, linkId);
  if (!counted.ok) return { kind: 'busy', retryAfterSeconds: counted.retryAfterSeconds };
  const redirectUri = callbackUrl(deps.publicBaseUrl);
  const client = await deps.tiktok();
  const issued = await issueState(deps, { tenantId: link.tenantId, linkId, redirectUri });
  const location = client.buildAuthorizeUrl({
    scopes: [...ALL_SCOPES],
    redirectUri,
    state: issued.state,
    codeChallenge: pkceChallenge(issued.codeVerifier, deps.pkceEncoding),
    codeChallengeMethod: 'S256',
  });
  return { kind: 'redirect', location };
}
