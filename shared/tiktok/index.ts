/** Public entry of the TikTok concern: the client, its errors, paging, PKCE and the field catalogue. */
export { createTikTokClient, type TikTokClient } from './client.ts';
export { DEFAULT_TIMEOUT_MS, type TikTokClientConfig } from './context.ts';
export type { CallGate } from './http.ts';
export { AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH, isRedirectUri, type AuthorizeParams, type ExchangeParams } from './oauth.ts';
export { USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH, type VideoListBody } from './display.ts';
export { TikTokError, isTikTokError, type TikTokErrorKind } from './errors.ts';
export { DEFAULT_RETRY, type RetryEvent, type RetryPolicy } from './retry.ts';
export {
  MAX_PAGE_SIZE,
  collectVideos,
  iterateVideos,
  type CollectedVideos,
  type IterateVideosOptions,
  type PagingStopReason,
  type VideoListPage,
} from './paging.ts';
export { createPkceVerifier, isPkceVerifier, pkceChallenge, type PkceEncoding } from './pkce.ts';
export {
  ALL_SCOPES,
  ENDPOINT_SCOPE,
  FIELD_CATALOGUE,
  REPORT_TYPES,
  isScope,
  missingScopes,
  parseCommaList,
  parseScopes,
  reportFields,
  requiredScopes,
  scopeForField,
  unknownFields,
  type FieldSpec,
  type ReportType,
  type TikTokScope,
} from './fields.ts';
export type {
  TikTokApiError,
  TikTokUser,
  TikTokVideo,
  TokenResponse,
  TokenSet,
  UserInfoResponse,
  VideoListResponse,
  VideoQueryResponse,
} from './types.ts';
