/**
 * The TikTok client every report and the OAuth flow use. Only the two base URLs tell TikTok from
 * the sandbox or any other TikTok-compatible server.
 */
import { createContext, type TikTokClientConfig } from './context.ts';
import { getUserInfo, listVideos, queryVideos, type VideoListBody } from './display.ts';
import { buildAuthorizeUrl, exchangeCode, refreshToken, revokeToken, type AuthorizeParams, type ExchangeParams } from './oauth.ts';
import type { TokenSet, UserInfoResponse, VideoListResponse, VideoQueryResponse } from './types.ts';

export interface TikTokClient {
  buildAuthorizeUrl(p: AuthorizeParams): string;
  exchangeCode(p: ExchangeParams): Promise<TokenSet>;
  refreshToken(refreshToken: string): Promise<TokenSet>;
  revokeToken(accessToken: string): Promise<void>;
  /** TikTok JSON as-is: `{data:{user:{...}}, error:{...}}`. */
  getUserInfo(accessToken: string, fields: string[]): Promise<UserInfoResponse>;
  /** `{data:{videos, cursor, has_more}, error}`. */
  listVideos(accessToken: string, fields: string[], body: VideoListBody): Promise<VideoListResponse>;
  /** `{data:{videos}, error}`: ids that are not the user's are absent, not an error. */
  queryVideos(accessToken: string, fields: string[], videoIds: string[]): Promise<VideoQueryResponse>;
}

export function createTikTokClient(config: TikTokClientConfig): TikTokClient {
  const ctx = createContext(config);
  return {
    buildAuthorizeUrl: (p) => buildAuthorizeUrl(ctx, p),
    exchangeCode: (p) => exchangeCode(ctx, p),
    refreshToken: (token) => refreshToken(ctx, token),
    revokeToken: (token) => revokeToken(ctx, token),
    getUserInfo: (token, fields) => getUserInfo(ctx, token, fields),
    listVideos: (token, fields, body) => listVideos(ctx, token, fields, body),
    queryVideos: (token, fields, ids) => queryVideos(ctx, token, fields, ids),
  };
}
