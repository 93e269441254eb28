/** Contract: paging a whole account through the sandbox, counted with the sandbox's call log. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectVideos, iterateVideos, type TokenSet } from '../../shared/tiktok/index.ts';
import { callsTo, connect, startSandbox, type SandboxEnv } from './helpers.ts';

let env: SandboxEnv;
let creator: TokenSet;

beforeAll(async () => {
  env = await startSandbox();
  creator = await connect(env, env.client(), { openId: env.openId(437) });
});
afterAll(() => env.close());
beforeEach(() => env.sandbox.resetCallLog());

describe('paging the 437-video account', () => {
  it('takes exactly 22 list calls of max_count 20 and returns 437 distinct ids, newest first', async () => {
    const pages = [];
    for await (const page of iterateVideos(env.client(), creator.accessToken, ['id', 'create_time'], { maxCount: 20, maxVideos: 10_000 })) pages.push(page);
    const videos = pages.flatMap((p) => p.videos);
    expect(callsTo(env, '/v2/video/list/')).toBe(22);
    expect(env.sandbox.callLog().every((c) => c.method === 'POST' && c.status === 200)).toBe(true);
    expect(pages.map((p) => p.videos.length)).toEqual([...Array(21).fill(20), 17]);
    expect(new Set(videos.map((v) => v.id)).size).toBe(437);
    const times = videos.map((v) => v.create_time!);
    expect(times.every((t, i) => i === 0 || t < times[i - 1]!)).toBe(true);
    expect(pages.at(-1)).toMatchObject({ stopReason: 'end', hasMore: false });
  });

  it('stops at maxVideos and resumes from the returned cursor without overlap', async () => {
    const first = await collectVideos(env.client(), creator.accessToken, ['id'], { maxVideos: 50 });
    expect(first).toMatchObject({ pages: 3, stopReason: 'max_videos' });
    expect(first.response.data.has_more).toBe(true);
    expect(callsTo(env, '/v2/video/list/')).toBe(3);
    const rest = await collectVideos(env.client(), creator.accessToken, ['id'], { maxVideos: 1000, startCursor: first.response.data.cursor });
    const ids = [...first.response.data.videos, ...rest.response.data.videos].map((v) => v.id);
    expect(ids).toHaveLength(437);
    expect(new Set(ids).size).toBe(437);
  });

  it('pages through faults: one injected 500 mid-way costs one extra call, no duplicates', async () => {
    const c = env.client();
    const pages = iterateVideos(c, creator.accessToken, ['id'], { maxVideos: 100 });
    const seen: string[] = [];
    let n = 0;
    for await (const page of pages) {
      seen.push(...page.videos.map((v) => v.id!));
      if (++n === 2) env.sandbox.injectFaults({ endpoint: 'video/list', status: 500 });
    }
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
    expect(callsTo(env, '/v2/video/list/')).toBe(6);
  });

  it('needs one call for the 5-video account and one for the empty one', async () => {
    const casual = await connect(env, env.client(), { openId: env.openId(5) });
    const quiet = await connect(env, env.client(), { openId: env.openId(0) });
    env.sandbox.resetCallLog();
    expect((await collectVideos(env.client(), casual.accessToken, ['id'], { maxVideos: 100 })).response.data.videos).toHaveLength(5);
    expect((await collectVideos(env.client(), quiet.accessToken, ['id'], { maxVideos: 100 })).response.data.videos).toHaveLength(0);
    expect(callsTo(env, '/v2/video/list/')).toBe(2);
  });
});
