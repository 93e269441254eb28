/**
 * TikTok's payloads as TikTok sends them (docs/tiktok.md §2.3, §3, §6). Display API responses are
 * returned to callers as-is: reports run Cloud9QL on TikTok's own JSON.
 */

/** The `error` object of every Display API response; `code` is `"ok"` on success. */
export interface TikTokApiError {
  code: string;
  message: string;
  log_id: string;
}

export interface TikTokUser {
  open_id: string;
  union_id: string;
  avatar_url: string;
  avatar_url_100: string;
  avatar_large_url: string;
  display_name: string;
  bio_description: string;
  profile_deep_link: string;
  is_verified: boolean;
  username: string;
  follower_count: number;
  following_count: number;
  likes_count: number;
  video_count: number;
}

export interface TikTokVideo {
  /** 19 digits: keep as a string. */
  id: string;
  /** Unix seconds (cursors are milliseconds). */
  create_time: number;
  cover_image_url: string;
  share_url: string;
  video_description: string;
  duration: number;
  height: number;
  width: number;
  title: string;
  embed_html: string;
  embed_link: string;
  like_count: number;
  comment_count: number;
  share_count: number;
  view_count: number;
  /** The video is labelled AI-generated content. */
  is_aigc: boolean;
}

/** Only the requested fields are present. */
export interface UserInfoResponse {
  data: { user: Partial<TikTokUser> };
  error: TikTokApiError;
}

export interface VideoListResponse {
  data: { videos: Array<Partial<TikTokVideo>>; cursor: number; has_more: boolean };
  error: TikTokApiError;
}

export interface VideoQueryResponse {
  data: { videos: Array<Partial<TikTokVideo>> };
  error: TikTokApiError;
}

/** The flat JSON of a successful token response (code or refresh grant). */
export interface TokenResponse {
  access_token: string;
  expires_in: number;
  open_id: string;
  refresh_token: string;
  refresh_expires_in: number;
  scope: string;
  token_type: string;
}

/** A token response made absolute: expiry instants are epoch ms computed from the response's own lifetimes. */
export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  openId: string;
  scopes: string[];
  accessTokenExpiresAt: number;
  refreshTokenExpiresAt: number;
  tokenType: string;
}
