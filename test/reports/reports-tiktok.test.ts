/**
 * How the reports behave towards TikTok (the sandbox): scope checks before any call, paging call
 * counts, one token refresh for many concurrent reports, and TikTok faults mapped per the design.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedAccounts } from '../../shared/tiktok/sandbox/index.ts';
import { connectAccount } from '../support/connect.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const creator = seedAccounts().find((a) => a.user.username === 'sandbox.creator')!;

let rt: TestRuntime;
let creatorDs: string;

function report(type: string, ds: string, body: unknown) {
  return rt.api(`/v1/datasources/${encodeURIComponent(ds)}/reports/${type}`, { method: 'POST', json: body });
}

const calls = (endpoint: string) => rt.sandbox!.callLog().filter((c) => c.endpoint === endpoint);

beforeAll(async () => {
  // A short TikTok timeout so the hung-call case answers quickly; normal sandbox calls take milliseconds.
  rt = await startTestRuntime({ env: { TIKTOK_TIMEOUT_MS: '4000' } });
  creatorDs = await connectAccount(rt, { account: 'sandbox.creator' });
});

afterAll(async () => {
  await rt?.stop();
});

beforeEach(() => {
  rt.sandbox!.clearFaults();
  rt.sandbox!.resetCallLog();
});

describe('scopes', () => {
  it('refuses fields whose scope was not granted with 403 naming the scope and fields, without calling TikTok', async () => {
    const ds = await connectAccount(rt, { account: 'sandbox.casual', scopes: ['user.info.basic', 'user.info.profile', 'video.list'] });
    rt.sandbox!.resetCallLog();
    const res = await report('profile', ds, { fields: 'display_name,follower_count,likes_count' });
    expect(res.status).toBe(403);
    const { error } = await readJson(res);
    expect(error).toMatchObject({
      code: 'scope_not_granted',
      field: 'fields',
      missingScopes: ['user.info.stats'],
      fieldsByScope: { 'user.info.stats': ['follower_count', 'likes_count'] },
    });
    expect(error.message).toContain('user.info.stats');
    expect(error.message).toContain('follower_count');
    expect(rt.sandbox!.callLog()).toEqual([]);
    // the granted fields still work
    expect((await report('profile', ds, { fields: 'display_name,username' })).status).toBe(200);
  });

  it('refuses a video report when video.list was not granted', async () => {
    const ds = await connectAccount(rt, { account: 'sandbox.quiet', scopes: ['user.info.basic'] });
    rt.sandbox!.resetCallLog();
    const res = await report('video-query', ds, { fields: 'id', requestBody: { filters: { video_ids: ['1'] } } });
    expect(res.status).toBe(403);
    expect((await readJson(res)).error).toMatchObject({ code: 'scope_not_granted', missingScopes: ['video.list'] });
    expect(rt.sandbox!.callLog()).toEqual([]);
  });
});

describe('allPages', () => {
  it('reads all 437 videos in exactly 22 list calls of 20', async () => {
    const res = await report('video-list', creatorDs, { fields: 'id', requestBody: { max_count: 20, cursor: 0 }, allPages: true });
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(calls('/v2/video/list/')).toHaveLength(22);
    expect(body.rows).toHaveLength(437);
    expect(new Set(body.rows.map((r: { id: string }) => r.id)).size).toBe(437);
    expect(body.rows.map((r: { id: string }) => r.id)).toEqual(creator.videos.map((v) => v.id));
    expect(body.meta).toMatchObject({ pages: 22, hasMore: false });
  });

  it('stops at maxVideos: 50 videos in 3 calls, and says there is more', async () => {
    const res = await report('video-list', creatorDs, { fields: 'id,view_count', requestBody: { max_count: 20, cursor: 0 }, allPages: true, maxVideos: 50 });
    const body = await readJson(res);
    expect(calls('/v2/video/list/')).toHaveLength(3);
    expect(body.rows).toHaveLength(50);
    expect(body.meta).toMatchObject({ pages: 3, hasMore: true, cursor: creator.videos[49]!.create_time * 1000 });
  });

  it('runs Cloud9QL once on all pages merged', async () => {
    const res = await report('video-list', creatorDs, {
      fields: 'view_count',
      requestBody: { max_count: 20, cursor: 0 },
      allPages: true,
      cloud9ql: 'select expand(data.videos); select count(*) as videos, sum(view_count) as views',
    });
    const body = await readJson(res);
    expect(body.rows).toEqual([{ videos: 437, views: creator.videos.reduce((s, v) => s + v.view_count, 0) }]);
  });
});

describe('tokens', () => {
  it('20 concurrent reports on an expired access token make exactly one refresh, and all succeed', async () => {
    rt.sandbox!.expireAccessTokens();
    rt.sandbox!.resetCallLog();
    const responses = await Promise.all(Array.from({ length: 20 }, () => report('profile', creatorDs, { fields: 'display_name' })));
    const failed = await Promise.all(responses.filter((r) => r.status !== 200).map(async (r) => `${r.status} ${await r.clone().text()}`));
    expect(failed).toEqual([]);
    for (const r of responses) expect((await readJson(r)).rows).toEqual([{ 'data.user': { display_name: creator.user.display_name } }]);
    expect(calls('/v2/oauth/token/')).toHaveLength(1);
  });

  it('refreshes transparently when TikTok says access_token_invalid once', async () => {
    rt.sandbox!.injectFaults({ endpoint: 'user/info', errorCode: 'access_token_invalid', count: 1 });
    const res = await report('profile', creatorDs, { fields: 'display_name' });
    expect(res.status).toBe(200);
    expect(calls('/v2/oauth/token/')).toHaveLength(1);
    expect(calls('/v2/user/info/').map((c) => c.status)).toEqual([401, 200]);
  });
});

describe('TikTok faults', () => {
  it('answers TikTok 429 with 429 and Retry-After', async () => {
    rt.sandbox!.injectFaults({ endpoint: 'video/list', status: 429, retryAfterSeconds: 30, count: 5 });
    const res = await report('video-list', creatorDs, { fields: 'id', requestBody: { max_count: 5, cursor: 0 } });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('30');
    expect((await readJson(res)).error.code).toBe('tiktok_rate_limited');
  });

  it('answers a persistent TikTok 500 with 502, after the client retries', async () => {
    rt.sandbox!.injectFaults({ endpoint: 'video/query', status: 500, count: 10 });
    const res = await report('video-query', creatorDs, { fields: 'id', requestBody: { filters: { video_ids: [creator.videos[0]!.id] } } });
    expect(res.status).toBe(502);
    const { error } = await readJson(res);
    expect(error.code).toBe('tiktok_error');
    expect(error.tiktokLogId).toBeTruthy();
    expect(calls('/v2/video/query/').length).toBeGreaterThan(1);
  });

  it('answers a TikTok call that never returns with 504', async () => {
    rt.sandbox!.injectFaults({ endpoint: 'user/info', hang: true, count: 1 });
    const res = await report('profile', creatorDs, { fields: 'display_name' });
    expect(res.status).toBe(504);
    expect((await readJson(res)).error.code).toBe('tiktok_timeout');
  });

  it('answers 409 needs_reauth when TikTok rejects the refresh token', async () => {
    const ds = await connectAccount(rt, { account: 'sandbox.quiet' });
    const quiet = rt.sandbox!.accounts().find((a) => a.username === 'sandbox.quiet')!;
    rt.sandbox!.revokeRefreshTokens(quiet.openId);
    rt.sandbox!.expireAccessTokens(quiet.openId);
    const res = await report('profile', ds, { fields: 'display_name' });
    expect(res.status).toBe(409);
    expect((await readJson(res)).error.code).toBe('needs_reauth');
  });
});
