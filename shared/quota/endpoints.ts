/** The TikTok endpoints the governor counts (docs/quota.md). */
import { TOKEN_PATH, USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH } from '../tiktok/index.ts';

/** Calls made for one TikTok user: counted per open_id when TIKTOK_QUOTA_SCOPE=user. */
export const USER_ENDPOINTS: readonly string[] = [USER_INFO_PATH, VIDEO_LIST_PATH, VIDEO_QUERY_PATH];
/** Every endpoint with its own per-minute window (the token endpoint acts for the app). */
export const QUOTA_ENDPOINTS: readonly string[] = [...USER_ENDPOINTS, TOKEN_PATH];
