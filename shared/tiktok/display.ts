/**
 * Display API v2 reads (docs/tiktok.md §3): Bearer token, required `fields` query parameter, JSON POST
 * bodies, TikTok's JSON returned as-is. Reads are idempotent, so they retry (retry.ts `retryRead`).
 */
import type { ZodMiniType } from 'zod/mini';
import { endpointUrl, type ClientContext } from './context.ts';
import { send } from './http.ts';
import { DATA_SHAPES, readDisplay } from './responses.ts';
import { retryRead, withRetry } from './retry.ts';
import type { UserInfoResponse, VideoListResponse, VideoQueryResponse } from './types.ts';

export const USER_INFO_PATH = '/v2/user/info/';
export const VIDEO_LIST_PATH = '/v2/video/list/';
export const VIDEO_QUERY_PATH = '/v2/video/query/';

export interface VideoListBody {
  /** Unix ms; omit for the newest videos, then send the previous `data.cursor`. */
  cursor?: number;
  /** Default 10 at TikTok, at most 20. */
  max_count?: number;
}

export function getUserInfo(ctx: ClientContext, accessToken: string, fields: string[]): Promise<UserInfoResponse> {
  return read<UserInfoResponse>(ctx, accessToken, USER_INFO_PATH, fields, DATA_SHAPES.user);
}

export function listVideos(ctx: ClientContext, accessToken: string, fields: string[], body: VideoListBody): Promise<VideoListResponse> {
  const payload: VideoListBody = {};
  if (body.cursor !== undefined) payload.cursor = body.cursor;
  if (body.max_count !== undefined) payload.max_count = body.max_count;
  return read<VideoListResponse>(ctx, accessToken, VIDEO_LIST_PATH, fields, DATA_SHAPES.videoList, payload);
}

export function queryVideos(ctx: ClientContext, accessToken: string, fields: string[], videoIds: string[]): Promise<VideoQueryResponse> {
  return read<VideoQueryResponse>(ctx, accessToken, VIDEO_QUERY_PATH, fields, DATA_SHAPES.videoQuery, { filters: { video_ids: videoIds } });
}

function read<T>(ctx: ClientContext, accessToken: string, path: string, fields: string[], dataShape: ZodMiniType, body?: object): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${accessToken}`, accept: 'application/json' };
  if (body) headers['content-type'] = 'application/json';
  return withRetry(
    async () => {
      const res = await send(ctx.transport, {
        endpoint: path,
        url: endpointUrl(ctx.apiBaseUrl, path, fields),
        method: body ? 'POST' : 'GET',
        headers,
        body: body ? JSON.stringify(body) : undefined,
      });
      return readDisplay<T>(res, [accessToken], dataShape);
    },
    retryRead,
    ctx.retry,
  );
}
