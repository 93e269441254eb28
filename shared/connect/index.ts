/** Public entry of the connect concern: connect links, the redirect to TikTok and the OAuth callback. */
export { callbackDeps, connectDeps } from './deps.ts';
export {
  createConnectLink,
  type CreatedLink,
  } from './links.ts';
export { openConnectLink } from './open-link.ts';
export { completeOAuthCallback, type CallbackOutcome } from './callback.ts';
export { hashState } from './state.ts';
export { callbackPage, errorPage, linkBusyPage, linkGonePage, linkNotFoundPage } from './pages.ts';
