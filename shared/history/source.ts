/**
 * The capture's TikTok source (ports.ts CaptureSource): one token use per invocation through the
 * token service (fresh token, refresh once on `access_token_invalid`, 409 needs_reauth), the same
 * client the reports use, and every call inside a background work scope of the quota governor
 * (shared/quota/work.ts): without a permit the client throws QuotaExhaustedError and TikTok is not
 * called; the job then waits (a delayed message), it does not fail.
 */
import { withinWork, withWork } from '../quota/work.ts';
import type { TikTokClient } from '../tiktok/index.ts';
import { PROFILE_FIELDS, VIDEO_FIELDS } from './capture-job.ts';
import type { CaptureSource } from './ports.ts';

export { PROFILE_FIELDS, VIDEO_FIELDS };

export interface CaptureSourceDeps {
  client(): Promise<Pick<TikTokClient, 'getUserInfo' | 'listVideos'>>;
  withAccessToken<T>(ref: { tenantId: string; datasourceId: string }, fn: (accessToken: string, datasource: { scopes: readonly string[]; openId?: string }) => Promise<T>): Promise<T>;
}

export function tiktokCaptureSource(deps: CaptureSourceDeps): CaptureSource {
  return {
    open: (ref, fn, hint) =>
      // Background lane, no waiting for a permit: the queue delays the message instead.
      withWork({ tenantId: ref.tenantId, priority: 'background', maxWaitMs: 0, ...(hint?.expectedCalls ? { expectedCalls: hint.expectedCalls } : {}) }, async () => {
        const client = await deps.client();
        return deps.withAccessToken(ref, (token, datasource) =>
          withinWork(datasource.openId ? { openId: datasource.openId } : {}, () =>
            fn({
              scopes: datasource.scopes,
              userInfo: async () => ((await client.getUserInfo(token, PROFILE_FIELDS)).data.user ?? {}) as Record<string, unknown>,
              listVideos: async (cursor) => {
                const res = await client.listVideos(token, VIDEO_FIELDS, { ...(cursor !== undefined ? { cursor } : {}), max_count: 20 });
                return { videos: (res.data.videos ?? []) as Array<Record<string, unknown>>, cursor: res.data.cursor, hasMore: res.data.has_more };
              },
            }),
          ),
        );
      }),
  };
}
