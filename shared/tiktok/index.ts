/** Public entry of the TikTok concern: the client, its errors, paging, PKCE and the field catalogue. */
export { createTikTokClient, type TikTokClient } from './client.ts';
export { type TikTokClientConfig } from './context.ts';
export type { CallGate } from './http.ts';
export { TOKEN_PATH } from './oauth.ts';
export { USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH } from './display.ts';
export { TikTokError, isTikTokError, type TikTokErrorKind } from './errors.ts';
export { type RetryEvent } from './retry.ts';
export {
  MAX_PAGE_SIZE,
  collectVideos,
  iterateVideos,
  type VideoListPage,
} from './paging.ts';
export { createPkceVerifier, isPkceVerifier, pkceChallenge, type PkceEncoding } from './pkce.ts';
export {
  ALL_SCOPES,
  ENDPOINT_SCOPE,
  FIELD_CATALOGUE,
  missingScopes,
  parseCommaList,
  reportFields,
  requiredScopes,
  scopeForField,
  unknownFields,
  type ReportType,
  } from './fields.ts';
export type {
  TikTokVideo,
  TokenSet,
  VideoListResponse,
  } from './types.ts';
