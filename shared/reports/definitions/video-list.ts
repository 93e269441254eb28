/**
 * Video List: TikTok `POST /v2/video/list/` (docs/tiktok.md §3.2). One page as asked, or with
 * `allPages` every page from the cursor on, following `data.cursor` while `has_more` (the paging
 * iterator of shared/tiktok guards against repeated cursors and duplicate videos), up to
 * `maxVideos`. All pages are merged into one `{data:{videos, cursor, has_more}}` for Cloud9QL.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { logger } from '../../logger.ts';
import { MAX_PAGE_SIZE, iterateVideos, type TikTokVideo, type VideoListResponse } from '../../tiktok/index.ts';
import { deadlinePassed } from '../deadline.ts';
import { baseRequestShape } from '../request/base.ts';
import { unknownMemberError } from '../request/common.ts';
import { accountMeta, fetchFromTikTok } from '../tiktok-source.ts';
import { defineReport, once, type FetchedData } from '../types.ts';

const DEFAULT_QUERY = 'select expand(data.videos);';
export const DEFAULT_MAX_VIDEOS = 1_000;
export const MAX_MAX_VIDEOS = 10_000;

const maxCountError = `requestBody.max_count must be an integer from 1 to ${MAX_PAGE_SIZE}`;
const cursorError = 'requestBody.cursor must be a non-negative integer (Unix milliseconds; 0 = start from the newest video)';
const maxVideosError = `maxVideos must be an integer from 1 to ${MAX_MAX_VIDEOS}`;

/** An integer in min..max whose every failure (type included) answers with the one message. */
const intInRange = (min: number, max: number, error: string) =>
  z.number({ error }).check(z.int({ error }), z.gte(min, { error }), z.lte(max, { error }));

export const videoListRequestSchema = once(() =>
  z
    .strictObject(
      {
        ...baseRequestShape('video-list', DEFAULT_QUERY),
        requestBody: z
          .strictObject(
            {
              max_count: intInRange(1, MAX_PAGE_SIZE, maxCountError).check(
                z.meta({ description: `Videos per TikTok page, 1 to ${MAX_PAGE_SIZE}.`, examples: [20] }),
              ),
              cursor: z
                .number({ error: cursorError })
                .check(z.int({ error: cursorError }), z.gte(0, { error: cursorError }))
                .check(z.meta({ description: 'Unix ms: videos posted before it. 0 = from the newest video (no cursor is sent to TikTok).', examples: [0] })),
            },
            { error: unknownMemberError('requestBody') },
          )
          .check(z.meta({ description: 'TikTok video/list body; both members are required, as in Knowi.' })),
        allPages: z
          ._default(z.boolean({ error: 'allPages must be true or false' }), false)
          .check(z.meta({ description: 'Follow the cursor until has_more is false or maxVideos videos were fetched.' })),
        maxVideos: z
          .optional(intInRange(1, MAX_MAX_VIDEOS, maxVideosError))
          .check(z.meta({ description: `With allPages: stop after this many videos (default ${DEFAULT_MAX_VIDEOS}).`, default: DEFAULT_MAX_VIDEOS })),
      },
      { error: unknownMemberError('the video-list report request') },
    )
    .check(
      z.superRefine((req, ctx) => {
        if (req.maxVideos !== undefined && !req.allPages) {
          ctx.addIssue({ code: 'custom', path: ['maxVideos'], message: 'maxVideos applies only with allPages: true' });
        }
      }),
    ),
);

/** TikTok reads no cursor as "newest first"; the API's 0 means the same. */
function startCursor(cursor: number): number | undefined {
  return cursor === 0 ? undefined : cursor;
}

export const videoListReport = defineReport({
  type: 'video-list',
  title: 'Video List',
  defaultQuery: DEFAULT_QUERY,
  schema: videoListRequestSchema,
  example: {
    fields: ['id', 'title', 'create_time', 'view_count', 'like_count', 'comment_count', 'share_count'],
    requestBody: { max_count: 20, cursor: 0 },
    allPages: true,
    maxVideos: 500,
    cloud9ql: 'select expand(data.videos); select id, title, view_count order by view_count desc limit 10',
  },
  async fetch({ deps, tenantId, datasourceId, request, deadline }): Promise<FetchedData> {
    const { fields, requestBody } = request;
    const source = { deps, tenantId, datasourceId, reportType: 'video-list' as const, fields };
    let meta: FetchedData['meta'];
    if (!request.allPages) {
      const res = await fetchFromTikTok(source, (client, token, datasource) => {
        meta = accountMeta(datasource);
        return client.listVideos(token, fields, { cursor: startCursor(requestBody.cursor), max_count: requestBody.max_count });
      });
      return { input: { data: res.data }, pages: 1, cursor: res.data.cursor ?? null, hasMore: res.data.has_more === true, meta };
    }
    // Paging state lives outside the call: when the token service refreshes a token TikTok refused
    // mid-paging and calls again, paging resumes after the last page received instead of restarting.
    const maxVideos = request.maxVideos ?? DEFAULT_MAX_VIDEOS;
    const videos: Array<Partial<TikTokVideo>> = [];
    const state = { pages: 0, cursor: startCursor(requestBody.cursor) as number | undefined, hasMore: true, stopReason: 'end' as string };
    await fetchFromTikTok(source, async (client, token, datasource) => {
      meta = accountMeta(datasource);
      const pages = iterateVideos(client, token, fields, { startCursor: state.cursor, maxCount: requestBody.max_count, maxVideos: maxVideos - videos.length });
      for await (const page of pages) {
        videos.push(...page.videos);
        state.pages += 1;
        state.cursor = page.cursor;
        state.hasMore = page.hasMore;
        state.stopReason = page.stopReason ?? 'time_budget';
        // A request has a deadline (API Gateway answers 504 at 29 s): stop paging in time and say
        // where to resume (hasMore + cursor) rather than lose everything fetched so far.
        if (!page.stopReason && deadlinePassed(deadline)) break;
      }
    });
    if (state.stopReason === 'repeated_cursor' || state.stopReason === 'max_pages' || state.stopReason === 'time_budget') {
      logger.warn('Video list paging stopped early', { datasourceId, pages: state.pages, videos: videos.length, reason: state.stopReason });
    }
    // TikTok's own shape, all pages merged; cursor and has_more are those of the last page.
    const data: VideoListResponse['data'] = { videos, cursor: state.cursor ?? 0, has_more: state.hasMore };
    return { input: { data }, pages: state.pages, cursor: state.cursor ?? null, hasMore: state.hasMore, meta };
  },
});
