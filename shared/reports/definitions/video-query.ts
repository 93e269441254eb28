/**
 * Video Query by ID: TikTok `POST /v2/video/query/` (docs/tiktok.md §3.3) for 1..20 ids of the
 * account's own videos. Ids TikTok does not return (not the user's, deleted, private) are simply
 * absent from the rows, as at TikTok.
 */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { baseRequestShape } from '../request/base.ts';
import { unknownMemberError } from '../request/common.ts';
import { accountMeta, fetchFromTikTok } from '../tiktok-source.ts';
import { defineReport, once, type FetchedData } from '../types.ts';

const DEFAULT_QUERY = 'select expand(data.videos);';
export const MAX_VIDEO_IDS = 20;

const videoIdsSchema = z
  .array(
    z
      .string({ error: 'each video id must be a string of digits (TikTok ids exceed JSON number precision)' })
      .check(z.regex(/^[0-9]{1,32}$/, { error: 'each video id must be a non-empty string of digits' })),
    { error: 'video_ids must be an array of id strings' },
  )
  .check(
    z.minLength(1, { error: `video_ids must hold 1 to ${MAX_VIDEO_IDS} ids` }),
    z.maxLength(MAX_VIDEO_IDS, { error: `video_ids must hold 1 to ${MAX_VIDEO_IDS} ids` }),
    z.superRefine((ids, ctx) => {
      const seen = new Set<string>();
      for (const id of ids) {
        if (seen.has(id)) {
          ctx.addIssue({ code: 'custom', message: `video_ids must be distinct; "${id}" appears more than once` });
          return;
        }
        seen.add(id);
      }
    }),
  )
  .check(z.meta({ description: `1 to ${MAX_VIDEO_IDS} distinct TikTok video ids (strings of digits).`, examples: [['7301234567890123456']] }));

export const videoQueryRequestSchema = once(() =>
  z.strictObject(
    {
      ...baseRequestShape('video-query', DEFAULT_QUERY),
      requestBody: z
        .strictObject(
          {
            filters: z.strictObject({ video_ids: videoIdsSchema }, { error: unknownMemberError('requestBody.filters') }),
          },
          { error: unknownMemberError('requestBody') },
        )
        .check(z.meta({ description: 'TikTok video/query body.' })),
    },
    { error: unknownMemberError('the video-query report request') },
  ),
);

export const videoQueryReport = defineReport({
  type: 'video-query',
  title: 'Video Query by ID',
  defaultQuery: DEFAULT_QUERY,
  schema: videoQueryRequestSchema,
  example: {
    fields: 'id,title,create_time,view_count,like_count',
    requestBody: { filters: { video_ids: ['7301234567890123456', '7298765432109876543'] } },
  },
  async fetch({ deps, tenantId, datasourceId, request }) {
    const ids = request.requestBody.filters.video_ids;
    let meta: FetchedData['meta'];
    const res = await fetchFromTikTok({ deps, tenantId, datasourceId, reportType: 'video-query', fields: request.fields }, (client, token, datasource) => {
      meta = accountMeta(datasource);
      return client.queryVideos(token, request.fields, ids);
    });
    return { input: { data: res.data }, pages: 1, cursor: null, hasMore: false, meta };
  },
});
