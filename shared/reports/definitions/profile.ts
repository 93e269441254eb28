/** Profile & Stats: TikTok `GET /v2/user/info/` (docs/tiktok.md §3.1), one call, one user object. */
import * as z from 'zod/mini';
import '../../zod-locale.ts';
import { baseRequestShape } from '../request/base.ts';
import { unknownMemberError } from '../request/common.ts';
import { fetchFromTikTok } from '../tiktok-source.ts';
import { defineReport, once } from '../types.ts';

const DEFAULT_QUERY = 'select data.user;';

export const profileRequestSchema = once(() =>
  z.strictObject(baseRequestShape('profile', DEFAULT_QUERY), { error: unknownMemberError('the profile report request') }),
);

export const profileReport = defineReport({
  type: 'profile',
  title: 'Profile & Stats',
  defaultQuery: DEFAULT_QUERY,
  schema: profileRequestSchema,
  example: { fields: ['display_name', 'username', 'follower_count', 'likes_count', 'video_count'], format: 'json' },
  async fetch({ deps, tenantId, datasourceId, request }) {
    const res = await fetchFromTikTok({ deps, tenantId, datasourceId, reportType: 'profile', fields: request.fields }, (client, token) =>
      client.getUserInfo(token, request.fields),
    );
    return { input: { data: res.data }, pages: 1, cursor: null, hasMore: false };
  },
});
