/** Public entry of the connect concern: connect links, the redirect to TikTok and the OAuth callback. */
export { callbackDeps, callbackUrl, connectDeps, connectLinkUrl, CALLBACK_PATH, type CallbackDeps, type ConnectDeps } from './deps.ts';
export {
  createConnectLink,
  getConnectLink,
  linkState,
  DEFAULT_LINK_TTL_HOURS,
  MAX_LINK_TTL_HOURS,
  type ConnectLink,
  type CreatedLink,
  type LinkState,
} from './links.ts';
export { openConnectLink, type OpenLinkResult } from './open-link.ts';
export { completeOAuthCallback, REQUIRED_SCOPE, type CallbackOutcome, type CallbackQuery, type CallbackFailureCode } from './callback.ts';
export { STATE_TTL_MS, hashState } from './state.ts';
export { callbackPage, errorPage, linkBusyPage, linkGonePage, linkNotFoundPage } from './pages.ts';
