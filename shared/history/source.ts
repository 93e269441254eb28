/**
 * The snapshot's source: the connected account on TikTok, read through the token service (fresh
 * token, refresh once on `access_token_invalid`, 409 needs_reauth) with the same client the reports
 * use. What the account did not grant is not asked for: no stats scope, no profile counters; no
 * video.list, no per-video counters. An incomplete video listing is never stored (its missing
 * videos would read as deleted): the day then keeps the profile only.
 */
import { logger } from '../logger.ts';
import { collectVideos, missingScopes, type TikTokClient } from '../tiktok/index.ts';
import type { CapturedVideo, SnapshotSource } from './capture.ts';
import type { ProfileStats } from './store.ts';

export const PROFILE_FIELDS = ['follower_count', 'following_count', 'likes_count', 'video_count'];
export const VIDEO_FIELDS = ['id', 'title', 'video_description', 'create_time', 'view_count', 'like_count', 'comment_count', 'share_count'];
/** Accounts beyond this many public videos keep profile history only (paging them daily would take too long). */
export const MAX_SNAPSHOT_VIDEOS = 20_000;

export interface SnapshotSourceDeps {
  client(): Promise<Pick<TikTokClient, 'getUserInfo' | 'listVideos'>>;
  withAccessToken<T>(ref: { tenantId: string; datasourceId: string }, fn: (accessToken: string, datasource: { scopes: readonly string[] }) => Promise<T>): Promise<T>;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.round(v)) : 0);

/** Reads everything in one token use; `profile()` and `videos()` then answer from it. */
export function tiktokSnapshotSource(ref: { tenantId: string; datasourceId: string }, deps: SnapshotSourceDeps): SnapshotSource {
  let read: Promise<{ profile?: ProfileStats; videos?: CapturedVideo[] }> | undefined;
  const load = () =>
    (read ??= (async () => {
      const client = await deps.client();
      return deps.withAccessToken(ref, async (token, datasource) => {
        const out: { profile?: ProfileStats; videos?: CapturedVideo[] } = {};
        if (missingScopes('profile', PROFILE_FIELDS, datasource.scopes).length === 0) {
          const user = (await client.getUserInfo(token, PROFILE_FIELDS)).data.user as Record<string, unknown>;
          out.profile = {
            follower_count: num(user.follower_count),
            following_count: num(user.following_count),
            likes_count: num(user.likes_count),
            video_count: num(user.video_count),
          };
        }
        if (missingScopes('video-list', VIDEO_FIELDS, datasource.scopes).length === 0) {
          const all = await collectVideos(client, token, VIDEO_FIELDS, { maxVideos: MAX_SNAPSHOT_VIDEOS });
          if (all.stopReason === 'end') {
            out.videos = all.response.data.videos.map((v) => ({
              id: String(v.id),
              counters: [num(v.view_count), num(v.like_count), num(v.comment_count), num(v.share_count)] as const,
              title: String(v.title || v.video_description || ''),
              ...(typeof v.create_time === 'number' ? { createTime: v.create_time } : {}),
            }));
          } else {
            logger.warn('Video listing incomplete; keeping profile history only today', { ...ref, stopReason: all.stopReason, pages: all.pages });
          }
        }
        return out;
      });
    })());
  return {
    profile: async () => (await load()).profile,
    videos: async () => (await load()).videos,
  };
}
