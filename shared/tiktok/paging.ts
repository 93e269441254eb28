/**
 * Following `video/list` cursors (docs/tiktok.md §3.2): loop on `has_more`, not on page size (TikTok may
 * return short pages), stop at the caller's cap, and never trust TikTok to make progress: a cursor that
 * was already sent ends the loop, a video id already returned is dropped, and pages are bounded.
 */
import type { TikTokClient } from './client.ts';
import type { TikTokApiError, TikTokVideo, VideoListResponse } from './types.ts';

export const MAX_PAGE_SIZE = 20;

export type PagingStopReason = 'end' | 'max_videos' | 'repeated_cursor' | 'max_pages';

export interface VideoListPage {
  /** 1-based page number (= video/list calls so far). */
  page: number;
  /** Videos of this page not returned before, at most up to the cap. */
  videos: Array<Partial<TikTokVideo>>;
  /** TikTok's `data.cursor`: send it to resume after this page. */
  cursor: number;
  /** TikTok's `data.has_more`. */
  hasMore: boolean;
  /** Videos TikTok repeated from earlier pages (dropped). */
  duplicates: number;
  error: TikTokApiError;
  /** Present on the last page: why paging stopped. */
  stopReason?: PagingStopReason;
}

export interface IterateVideosOptions {
  /** Unix ms; omit to start from the newest video. */
  startCursor?: number;
  /** Page size, 1..20, default 20. */
  maxCount?: number;
  /** Stop once this many distinct videos were returned. */
  maxVideos: number;
  /** Safety bound on calls; default enough for maxVideos at maxCount plus 10 short pages. */
  maxPages?: number;
}

export async function* iterateVideos(
  client: Pick<TikTokClient, 'listVideos'>,
  accessToken: string,
  fields: string[],
  opts: IterateVideosOptions,
): AsyncGenerator<VideoListPage> {
  const maxCount = opts.maxCount ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(maxCount) || maxCount < 1 || maxCount > MAX_PAGE_SIZE) throw new TypeError('maxCount must be an integer in 1..20');
  if (!Number.isInteger(opts.maxVideos) || opts.maxVideos < 1) throw new TypeError('maxVideos must be a positive integer');
  const maxPages = opts.maxPages ?? Math.ceil(opts.maxVideos / maxCount) + 10;
  // Dedupe needs ids: ask for `id` when the caller did not, and leave it out of what the caller gets.
  const stripId = !fields.includes('id');
  const requestFields = stripId ? [...fields, 'id'] : fields;

  const seenIds = new Set<string>();
  const sentCursors = new Set<number | undefined>();
  let cursor = opts.startCursor;
  for (let page = 1; ; page += 1) {
    sentCursors.add(cursor);
    const remaining = opts.maxVideos - seenIds.size;
    const res = await client.listVideos(accessToken, requestFields, { cursor, max_count: Math.min(maxCount, remaining) });
    const { videos: fresh, duplicates } = takeNew(res.data.videos, seenIds, remaining, stripId);
    const next = res.data.cursor;
    const stopReason: PagingStopReason | undefined = !res.data.has_more
      ? 'end'
      : seenIds.size >= opts.maxVideos
        ? 'max_videos'
        : sentCursors.has(next)
          ? 'repeated_cursor'
          : page >= maxPages
            ? 'max_pages'
            : undefined;
    yield { page, videos: fresh, cursor: next, hasMore: res.data.has_more, duplicates, error: res.error, stopReason };
    if (stopReason) return;
    cursor = next;
  }
}

function takeNew(videos: Array<Partial<TikTokVideo>>, seenIds: Set<string>, limit: number, stripId: boolean) {
  const fresh: Array<Partial<TikTokVideo>> = [];
  let duplicates = 0;
  for (const video of videos) {
    const id = String(video.id);
    if (seenIds.has(id)) {
      duplicates += 1;
      continue;
    }
    if (fresh.length >= limit) break;
    seenIds.add(id);
    if (stripId) {
      const { id: _omit, ...rest } = video;
      fresh.push(rest);
    } else {
      fresh.push(video);
    }
  }
  return { videos: fresh, duplicates };
}

export interface CollectedVideos {
  /** TikTok's shape with every page's videos merged; `cursor`/`has_more` are those of the last page. */
  response: VideoListResponse;
  pages: number;
  stopReason: PagingStopReason;
}

/** All pages merged into one `{data:{videos,cursor,has_more}, error}` for Cloud9QL. */
export async function collectVideos(
  client: Pick<TikTokClient, 'listVideos'>,
  accessToken: string,
  fields: string[],
  opts: IterateVideosOptions,
): Promise<CollectedVideos> {
  const videos: Array<Partial<TikTokVideo>> = [];
  let last: VideoListPage | undefined;
  for await (const page of iterateVideos(client, accessToken, fields, opts)) {
    videos.push(...page.videos);
    last = page;
  }
  // iterateVideos always yields at least one page, the last one with a stopReason.
  const final = last!;
  return {
    response: { data: { videos, cursor: final.cursor, has_more: final.hasMore }, error: final.error },
    pages: final.page,
    stopReason: final.stopReason!,
  };
}
