/** Contract: the client's Display API calls against the sandbox, every documented error code, faults and retries. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reportFields, type RetryEvent, type TokenSet } from '../../shared/tiktok/index.ts';
import { failure } from './failure.ts';
import { callsTo, connect, startSandbox, type SandboxEnv } from './helpers.ts';

const clock = { t: Date.parse('2025-03-01T12:00:00Z') };
let env: SandboxEnv;
let full: TokenSet; // all scopes, 437-video account
let basicOnly: TokenSet; // user.info.basic only, 5-video account
let videoOnly: TokenSet; // video.list only, 5-video account

beforeAll(async () => {
  env = await startSandbox({ now: () => clock.t });
});
afterAll(() => env.close());
beforeEach(async () => {
  env.sandbox.reset();
  const c = env.client();
  full = await connect(env, c, { openId: env.openId(437) });
  basicOnly = await connect(env, c, { openId: env.openId(5), grant: ['user.info.basic'] });
  videoOnly = await connect(env, c, { openId: env.openId(5), grant: ['video.list'] });
  env.sandbox.resetCallLog();
});

const raw = (path: string, init: RequestInit & { token?: string } = {}) =>
  fetch(`${env.baseUrl}${path}`, { ...init, headers: { authorization: `Bearer ${init.token ?? full.accessToken}`, 'content-type': 'application/json', ...init.headers } });

describe('user/info', () => {
  it('returns exactly the requested fields in TikTok envelope', async () => {
    const res = await env.client().getUserInfo(full.accessToken, reportFields('profile'));
    expect(res.error).toEqual({ code: 'ok', message: '', log_id: expect.any(String) });
    const user = res.data.user;
    expect(Object.keys(user)).toEqual(reportFields('profile'));
    expect(user).toMatchObject({ open_id: env.openId(437), username: 'sandbox.creator', video_count: 437, is_verified: true });
    expect(user.follower_count).toBeGreaterThan(1000);
    const few = await env.client().getUserInfo(full.accessToken, ['display_name', 'likes_count']);
    expect(Object.keys(few.data.user)).toEqual(['display_name', 'likes_count']);
  });

  it('answers access_token_invalid (401) for an unknown token', async () => {
    expect(await failure(env.client().getUserInfo('act.unknown', ['open_id']))).toMatchObject({ kind: 'token_invalid', tiktokCode: 'access_token_invalid', httpStatus: 401 });
  });

  it('answers scope_not_authorized (401) when the endpoint scope was not granted', async () => {
    expect(await failure(env.client().getUserInfo(videoOnly.accessToken, ['open_id']))).toMatchObject({ kind: 'scope_not_authorized', httpStatus: 401 });
  });

  it('answers scope_permission_missed (400) for fields needing an ungranted scope', async () => {
    const e = await failure(env.client().getUserInfo(basicOnly.accessToken, ['open_id', 'follower_count', 'username']));
    expect(e).toMatchObject({ kind: 'scope_permission_missed', tiktokCode: 'scope_permission_missed', httpStatus: 400 });
    expect(e.message).toContain('user.info.stats');
  });

  it('answers invalid_params (400) for unknown or missing fields', async () => {
    expect(await failure(env.client().getUserInfo(full.accessToken, ['open_id', 'view_count']))).toMatchObject({ kind: 'invalid_params', httpStatus: 400 });
    expect(await failure(env.client().getUserInfo(full.accessToken, []))).toMatchObject({ kind: 'invalid_params' });
  });
});

describe('video/list and video/query', () => {
  it('lists newest first with a millisecond cursor and has_more', async () => {
    const res = await env.client().listVideos(full.accessToken, ['id', 'create_time'], { max_count: 3 });
    const times = res.data.videos.map((v) => v.create_time!);
    expect(times).toHaveLength(3);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(res.data).toMatchObject({ cursor: times[2]! * 1000, has_more: true });
    const next = await env.client().listVideos(full.accessToken, ['create_time'], { cursor: res.data.cursor, max_count: 2 });
    expect(next.data.videos.every((v) => v.create_time! * 1000 < res.data.cursor)).toBe(true);
  });

  it('defaults max_count to 10 and answers an empty account with no videos', async () => {
    expect((await env.client().listVideos(full.accessToken, ['id'], {})).data.videos).toHaveLength(10);
    const quiet = await connect(env, env.client(), { openId: env.openId(0) });
    expect((await env.client().listVideos(quiet.accessToken, ['id'], {})).data).toEqual({ videos: [], cursor: 0, has_more: false });
  });

  it('answers invalid_params for max_count > 20, a bad cursor, a malformed body', async () => {
    expect(await failure(env.client().listVideos(full.accessToken, ['id'], { max_count: 21 }))).toMatchObject({ kind: 'invalid_params', httpStatus: 400 });
    expect(await failure(env.client().listVideos(full.accessToken, ['id'], { max_count: 0 }))).toMatchObject({ kind: 'invalid_params' });
    expect(await failure(env.client().listVideos(full.accessToken, ['id'], { cursor: -5 }))).toMatchObject({ kind: 'invalid_params' });
    for (const body of ['{"max_count":', '[1,2]', '"x"']) {
      const res = await raw('/v2/video/list/?fields=id', { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_params');
    }
  });

  it('answers scope_not_authorized without video.list', async () => {
    expect(await failure(env.client().listVideos(basicOnly.accessToken, ['id'], {}))).toMatchObject({ kind: 'scope_not_authorized', httpStatus: 401 });
    expect(await failure(env.client().queryVideos(basicOnly.accessToken, ['id'], ['1']))).toMatchObject({ kind: 'scope_not_authorized' });
  });

  it("returns only the user's own ids from video/query, in request order", async () => {
    const own = (await env.client().listVideos(full.accessToken, ['id'], { max_count: 3 })).data.videos.map((v) => v.id!);
    const other = (await env.client().listVideos(videoOnly.accessToken, ['id'], { max_count: 1 })).data.videos[0]!.id!;
    const res = await env.client().queryVideos(full.accessToken, ['id', 'title', 'cover_image_url'], [own[2]!, other, '7000000000000000000', own[0]!, own[2]!]);
    expect(res.data.videos.map((v) => v.id)).toEqual([own[2], own[0]]);
    expect(res.data.videos[0]!.cover_image_url).toMatch(/x-expires=\d+/);
    expect(Object.keys(res.data)).toEqual(['videos']);
  });

  it('serves is_aigc (boolean) from video/list and video/query', async () => {
    const listed = (await env.client().listVideos(full.accessToken, ['id', 'is_aigc'], { max_count: 20 })).data.videos;
    expect(listed.every((v) => typeof v.is_aigc === 'boolean')).toBe(true);
    const queried = await env.client().queryVideos(full.accessToken, ['id', 'is_aigc'], [listed[0]!.id!]);
    expect(queried.data.videos[0]).toEqual({ id: listed[0]!.id, is_aigc: listed[0]!.is_aigc });
  });

  it('answers invalid_params for more than 20 ids or a missing filter', async () => {
    const ids = Array.from({ length: 21 }, (_, i) => String(7_000_000_000_000_000_000n + BigInt(i)));
    expect(await failure(env.client().queryVideos(full.accessToken, ['id'], ids))).toMatchObject({ kind: 'invalid_params', httpStatus: 400 });
    expect(await failure(env.client().queryVideos(full.accessToken, ['id'], []))).toMatchObject({ kind: 'invalid_params' });
    const res = await raw('/v2/video/query/?fields=id', { method: 'POST', body: '{"filters":{}}' });
    expect(res.status).toBe(400);
  });

  it('keeps TikTok methods: GET user/info, POST video endpoints', async () => {
    expect((await raw('/v2/user/info/?fields=open_id', { method: 'POST', body: '{}' })).status).toBe(405);
    expect((await raw('/v2/video/list/?fields=id', { method: 'GET' })).status).toBe(405);
  });
});

describe('rate limits and faults', () => {
  it('answers rate_limit_exceeded (429) past the per-endpoint sliding-minute limit', async () => {
    env.sandbox.setRateLimit(2);
    const c = env.client({ retry: { retries: 0, minDelayMs: 0, maxDelayMs: 0 } });
    await c.getUserInfo(full.accessToken, ['open_id']);
    await c.getUserInfo(full.accessToken, ['open_id']);
    expect(await failure(c.getUserInfo(full.accessToken, ['open_id']))).toMatchObject({ kind: 'rate_limited', tiktokCode: 'rate_limit_exceeded', httpStatus: 429 });
    await expect(c.listVideos(full.accessToken, ['id'], {})).resolves.toBeDefined(); // separate window per endpoint
    clock.t += 30_000;
    await failure(c.getUserInfo(full.accessToken, ['open_id']));
    clock.t += 30_001; // the first two calls leave the window
    await expect(c.getUserInfo(full.accessToken, ['open_id'])).resolves.toBeDefined();
  });

  it('retries an injected 429 once and succeeds', async () => {
    env.sandbox.injectFaults({ endpoint: 'video/list', status: 429, count: 1 });
    const retries: RetryEvent[] = [];
    await expect(env.client({ onRetry: (e) => retries.push(e) }).listVideos(full.accessToken, ['id'], {})).resolves.toBeDefined();
    expect(callsTo(env, '/v2/video/list/')).toBe(2);
    expect(retries.map((r) => r.error.tiktokCode)).toEqual(['rate_limit_exceeded']);
    expect(env.sandbox.callLog().map((c) => c.status)).toEqual([429, 200]);
  });

  it('honours an injected Retry-After header', async () => {
    env.sandbox.injectFaults({ endpoint: 'user/info', status: 429, retryAfterSeconds: 0 });
    const retries: RetryEvent[] = [];
    await env.client({ onRetry: (e) => retries.push(e) }).getUserInfo(full.accessToken, ['open_id']);
    expect(retries[0]!.error.retryAfterSeconds).toBe(0);
    env.sandbox.injectFaults({ endpoint: 'user/info', status: 429, retryAfterSeconds: 60 });
    expect(await failure(env.client().getUserInfo(full.accessToken, ['open_id']))).toMatchObject({ kind: 'rate_limited', retryAfterSeconds: 60 });
  });

  it('gives up on persistent internal_error after 1 + retries attempts', async () => {
    env.sandbox.injectFaults({ endpoint: '/v2/video/query/', status: 500, count: 10 });
    const e = await failure(env.client().queryVideos(full.accessToken, ['id'], ['1']));
    expect(e).toMatchObject({ kind: 'upstream', tiktokCode: 'internal_error', httpStatus: 500 });
    expect(e.logId).toBeTruthy();
    expect(callsTo(env, '/v2/video/query/')).toBe(3); // retries: 2 in the test client
  });

  it('recovers from a 503 burst shorter than the retry budget', async () => {
    env.sandbox.injectFaults({ status: 503, count: 2 });
    await expect(env.client().getUserInfo(full.accessToken, ['open_id'])).resolves.toBeDefined();
    expect(env.sandbox.callLog().map((c) => c.status)).toEqual([503, 503, 200]);
  });

  it('maps an injected access_token_invalid and does not retry it', async () => {
    env.sandbox.injectFaults({ endpoint: 'user/info', errorCode: 'access_token_invalid' });
    expect(await failure(env.client().getUserInfo(full.accessToken, ['open_id']))).toMatchObject({ kind: 'token_invalid', httpStatus: 401 });
    expect(callsTo(env, '/v2/user/info/')).toBe(1);
  });

  it('reports a hung response as a timeout after one attempt', async () => {
    env.sandbox.injectFaults({ endpoint: 'video/list', hang: true, count: 5 });
    const e = await failure(env.client({ timeoutMs: 100 }).listVideos(full.accessToken, ['id'], {}));
    expect(e).toMatchObject({ kind: 'timeout', tiktokCode: 'timeout', endpoint: '/v2/video/list/' });
    expect(callsTo(env, '/v2/video/list/')).toBe(1);
    expect(env.sandbox.callLog()[0]!.status).toBe(0);
  });

  it('answers a slow response normally within the timeout', async () => {
    env.sandbox.injectFaults({ endpoint: 'user/info', delayMs: 30 });
    await expect(env.client({ timeoutMs: 2_000 }).getUserInfo(full.accessToken, ['open_id'])).resolves.toMatchObject({ error: { code: 'ok' } });
  });

  it('times out a slow response longer than the timeout', async () => {
    env.sandbox.injectFaults({ endpoint: 'user/info', delayMs: 300 });
    expect(await failure(env.client({ timeoutMs: 50 }).getUserInfo(full.accessToken, ['open_id']))).toMatchObject({ kind: 'timeout' });
  });
});
