/** The paging iterator against a scripted client: cursor guard, dedupe, caps. */
import { describe, expect, it } from 'vitest';
import { collectVideos, iterateVideos, type TikTokClient, type VideoListPage, type VideoListResponse } from '../../shared/tiktok/index.ts';
import { fakeClient, fakeFetch, ok } from './fake-fetch.ts';

type Page = { ids: string[]; cursor: number; has_more: boolean };

/** A client whose video/list answers the scripted pages in order and records the bodies sent. */
function scriptedClient(pages: Page[]) {
  const bodies: Array<{ cursor?: number; max_count?: number }> = [];
  const fieldsSent: string[][] = [];
  const client: Pick<TikTokClient, 'listVideos'> = {
    listVideos: async (_token, fields, body) => {
      bodies.push(body);
      fieldsSent.push(fields);
      const page = pages[bodies.length - 1];
      if (!page) throw new Error('no more scripted pages');
      const res: VideoListResponse = {
        data: { videos: page.ids.map((id) => ({ id, title: `t${id}` })), cursor: page.cursor, has_more: page.has_more },
        error: { code: 'ok', message: '', log_id: `L${bodies.length}` },
      };
      return res;
    },
  };
  return { client, bodies, fieldsSent };
}

async function all(it: AsyncGenerator<VideoListPage>): Promise<VideoListPage[]> {
  const out: VideoListPage[] = [];
  for await (const page of it) out.push(page);
  return out;
}

describe('iterateVideos', () => {
  it('follows cursors while has_more and stops at the end', async () => {
    const s = scriptedClient([
      { ids: ['1', '2'], cursor: 900, has_more: true },
      { ids: ['3'], cursor: 800, has_more: true }, // short page: loop on has_more, not page size
      { ids: ['4', '5'], cursor: 700, has_more: false },
    ]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['id', 'title'], { maxVideos: 100, maxCount: 2 }));
    expect(pages.map((p) => p.videos.map((v) => v.id))).toEqual([['1', '2'], ['3'], ['4', '5']]);
    expect(s.bodies).toEqual([{ cursor: undefined, max_count: 2 }, { cursor: 900, max_count: 2 }, { cursor: 800, max_count: 2 }]);
    expect(pages.at(-1)).toMatchObject({ stopReason: 'end', hasMore: false, cursor: 700, page: 3 });
    expect(pages.slice(0, -1).every((p) => p.stopReason === undefined)).toBe(true);
  });

  it('stops on a repeated cursor instead of looping', async () => {
    const s = scriptedClient([
      { ids: ['1', '2'], cursor: 900, has_more: true },
      { ids: ['3'], cursor: 900, has_more: true },
      { ids: ['never'], cursor: 1, has_more: false },
    ]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['id'], { maxVideos: 100 }));
    expect(s.bodies).toHaveLength(2);
    expect(pages.at(-1)).toMatchObject({ stopReason: 'repeated_cursor', hasMore: true });
    expect(pages.flatMap((p) => p.videos.map((v) => v.id))).toEqual(['1', '2', '3']);
  });

  it('stops when TikTok hands back the start cursor', async () => {
    const s = scriptedClient([{ ids: [], cursor: 5000, has_more: true }]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['id'], { maxVideos: 10, startCursor: 5000 }));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ stopReason: 'repeated_cursor', videos: [] });
  });

  it('never returns a video twice', async () => {
    const s = scriptedClient([
      { ids: ['1', '2', '3'], cursor: 900, has_more: true },
      { ids: ['3', '4', '1'], cursor: 800, has_more: false },
    ]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['id'], { maxVideos: 100 }));
    expect(pages.flatMap((p) => p.videos.map((v) => v.id))).toEqual(['1', '2', '3', '4']);
    expect(pages[1]!.duplicates).toBe(2);
  });

  it("asks only for what the cap still allows and stops at the caller's maxVideos", async () => {
    const s = scriptedClient([
      { ids: ['1', '2', '3', '4', '5'], cursor: 900, has_more: true },
      { ids: ['6', '7'], cursor: 800, has_more: true },
    ]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['id'], { maxVideos: 7, maxCount: 5 }));
    expect(s.bodies.map((b) => b.max_count)).toEqual([5, 2]);
    expect(pages.at(-1)).toMatchObject({ stopReason: 'max_videos', hasMore: true, cursor: 800 });
  });

  it('bounds the number of calls when TikTok keeps sending empty pages', async () => {
    const s = scriptedClient(Array.from({ length: 50 }, (_, i) => ({ ids: [], cursor: 1000 - i, has_more: true })));
    const pages = await all(iterateVideos(s.client, 'act.t', ['id'], { maxVideos: 20, maxCount: 20, maxPages: 4 }));
    expect(s.bodies).toHaveLength(4);
    expect(pages.at(-1)!.stopReason).toBe('max_pages');
  });

  it('requests id for dedupe when the caller did not, and leaves it out of the result', async () => {
    const s = scriptedClient([{ ids: ['1', '1', '2'], cursor: 9, has_more: false }]);
    const pages = await all(iterateVideos(s.client, 'act.t', ['title'], { maxVideos: 5 }));
    expect(s.fieldsSent[0]).toEqual(['title', 'id']);
    expect(pages[0]!.videos).toEqual([{ title: 't1' }, { title: 't2' }]);
  });

  it('rejects bad options', async () => {
    const s = scriptedClient([]);
    await expect(all(iterateVideos(s.client, 'a', ['id'], { maxVideos: 0 }))).rejects.toThrow(TypeError);
    await expect(all(iterateVideos(s.client, 'a', ['id'], { maxVideos: 5, maxCount: 21 }))).rejects.toThrow(TypeError);
  });

  it('works over HTTP with a fake fetch that repeats its cursor', async () => {
    const page = ok({ videos: [{ id: '1' }], cursor: 1700000000000, has_more: true });
    const f = fakeFetch(() => page);
    const result = await collectVideos(fakeClient(f), 'act.t', ['id'], { maxVideos: 1000 });
    expect(f.requests).toHaveLength(2);
    expect(JSON.parse(f.requests[1]!.body)).toEqual({ cursor: 1700000000000, max_count: 20 });
    expect(result).toMatchObject({ pages: 2, stopReason: 'repeated_cursor' });
    expect(result.response.data).toEqual({ videos: [{ id: '1' }], cursor: 1700000000000, has_more: true });
  });
});
