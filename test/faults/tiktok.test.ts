/**
 * TikTok misbehaving, seen by an API caller: rate-limit storms, 5xx, slow and hung answers, and an
 * access token that dies in the middle of paging. For each: the documented error or the retried
 * success, and afterwards the stored refresh token still works (no token lost).
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { connectAccount } from '../support/connect.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import {
  beforeNthSandboxCall,
  callsTo,
  datasourceStatus,
  expectApiError,
  expectRows,
  expectStoredRefreshTokenWorks,
  openIdOf,
  profile,
  report,
} from './support.ts';

/** Short client timeout so a hung TikTok costs 1.5 s of test time, not the default 10 s. */
const TIMEOUT_MS = 1_500;
/** The token endpoint's own, longer timeout (30 s by default), shortened the same way. */
const TOKEN_TIMEOUT_MS = 3_000;

describe('TikTok faults: reports', () => {
  let rt: TestRuntime;
  let casual: string;
  let creator: string;
  let casualOpenId: string;
  let creatorOpenId: string;
  let unhook: (() => void) | undefined;

  beforeAll(async () => {
    rt = await startTestRuntime({ env: { TIKTOK_TIMEOUT_MS: String(TIMEOUT_MS), TIKTOK_TOKEN_TIMEOUT_MS: String(TOKEN_TIMEOUT_MS) } });
    casual = await connectAccount(rt, { account: 'sandbox.casual' });
    creator = await connectAccount(rt, { account: 'sandbox.creator' });
    casualOpenId = openIdOf(rt, 'sandbox.casual');
    creatorOpenId = openIdOf(rt, 'sandbox.creator');
  });
  afterAll(async () => {
    await rt?.stop();
  });
  afterEach(() => {
    unhook?.();
    unhook = undefined;
    rt.sandbox!.clearFaults();
    rt.sandbox!.resetCallLog();
  });

  it('a short 429 burst is retried inside the call: the caller gets the report', async () => {
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 429, count: 2 });
    await expectRows(await profile(rt, casual), 1);
    expect(callsTo(rt, '/v2/user/info/').map((c) => c.status)).toEqual([429, 429, 200]);
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('a 429 storm with a long Retry-After answers 429 with that Retry-After at once (no Lambda held), holds every call back until then, then recovers', async () => {
    rt.sandbox!.resetCallLog();
    // Longer than the client waits itself (4 s): reported, not slept on.
    rt.sandbox!.injectFaults({ endpoint: 'video/list', status: 429, count: 50, retryAfterSeconds: 5 });
    const listed = () => report(rt, creator, 'video-list', { fields: 'id,title', requestBody: { max_count: 20, cursor: 0 } });
    const res = await listed();
    const body = await expectApiError(res, 429, 'tiktok_rate_limited');
    const throttledAt = Date.now();
    expect(res.headers.get('retry-after')).toBe('5');
    expect(body.error.retryAfterSeconds).toBe(5);
    expect(callsTo(rt, '/v2/video/list/')).toHaveLength(1);
    rt.sandbox!.clearFaults();
    // The governor honours Retry-After fleet-wide: the next call is refused without reaching TikTok.
    const held = await listed();
    expect((await expectApiError(held, 429, 'quota_exhausted')).error.reason).toBe('backoff');
    expect(callsTo(rt, '/v2/video/list/')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, throttledAt + 5_100 - Date.now())));
    await expectRows(await listed(), 20);
    await expectStoredRefreshTokenWorks(rt, creator, creatorOpenId);
  });

  it('a 429 storm without Retry-After: bounded retries, then 429 with a Retry-After', async () => {
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'user/info', status: 429, count: 50 });
    const res = await profile(rt, casual);
    await expectApiError(res, 429, 'tiktok_rate_limited');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // One try plus the client's retry budget (3), never more: a storm is not amplified.
    expect(callsTo(rt, '/v2/user/info/')).toHaveLength(4);
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('TikTok 5xx: a burst is retried away; persistent 5xx answers 502 with TikTok’s log id', async () => {
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'video/query', status: 500, count: 1 });
    rt.sandbox!.injectFaults({ endpoint: 'video/query', status: 503, count: 1 });
    const ids = (await expectRows(await report(rt, creator, 'video-list', { fields: 'id', requestBody: { max_count: 3, cursor: 0 } }), 3)).rows.map(
      (r: { id: string }) => r.id,
    );
    await expectRows(await report(rt, creator, 'video-query', { fields: 'id,title', requestBody: { filters: { video_ids: ids } } }), 3);
    expect(callsTo(rt, '/v2/video/query/').map((c) => c.status)).toEqual([500, 503, 200]);

    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'video/query', status: 500, count: 50 });
    const res = await report(rt, creator, 'video-query', { fields: 'id,title', requestBody: { filters: { video_ids: ids } } });
    const body = await expectApiError(res, 502, 'tiktok_error');
    expect(body.error.tiktokLogId).toEqual(expect.any(String));
    expect(callsTo(rt, '/v2/video/query/')).toHaveLength(4);
    await expectStoredRefreshTokenWorks(rt, creator, creatorOpenId);
  });

  it('a slow TikTok (under the client timeout) still answers', async () => {
    rt.sandbox!.injectFaults({ endpoint: 'user/info', delayMs: TIMEOUT_MS / 3 });
    await expectRows(await profile(rt, casual), 1);
  });

  it('a hung TikTok: the call times out and answers 504, not retried; the next call works', async () => {
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'user/info', hang: true, count: 5 });
    await expectApiError(await profile(rt, casual), 504, 'tiktok_timeout');
    // A timeout spends the caller's deadline: it is reported, not tried again.
    expect(callsTo(rt, '/v2/user/info/')).toHaveLength(1);
    rt.sandbox!.clearFaults();
    await expectRows(await profile(rt, casual), 1);
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('a hung token refresh times out (504), changes nothing, and the refresh token still works', async () => {
    rt.sandbox!.expireAccessTokens(casualOpenId);
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'oauth/token', hang: true, count: 1 });
    await expectApiError(await profile(rt, casual), 504, 'tiktok_timeout');
    expect(callsTo(rt, '/v2/oauth/token/')).toHaveLength(1);
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('a token refresh slower than the API caller waits (but within the token timeout): 504 to the caller, and the rotated tokens are stored all the same', async () => {
    rt.sandbox!.expireAccessTokens(casualOpenId);
    rt.sandbox!.resetCallLog();
    // TikTok rotates and answers after the caller gave up (1.5 s), before the token timeout (3 s).
    rt.sandbox!.injectFaults({ endpoint: 'oauth/token', delayMs: (TIMEOUT_MS + TOKEN_TIMEOUT_MS) / 2, count: 1 });
    await expectApiError(await profile(rt, casual), 504, 'tiktok_timeout');
    // The invocation ended only after the refresh answered and was stored.
    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
    rt.sandbox!.resetCallLog();
    await expectRows(await profile(rt, casual), 1);
    expect(callsTo(rt, '/v2/oauth/token/')).toEqual([]); // the stored access token is the new one
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('a refresh answer lost after TikTok rotated (slower than the token timeout): the next call is needs_reauth, and the reason says so', async () => {
    const quiet = await connectAccount(rt, { account: 'sandbox.quiet' });
    const quietOpenId = openIdOf(rt, 'sandbox.quiet');
    rt.sandbox!.expireAccessTokens(quietOpenId);
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'oauth/token', delayMs: TOKEN_TIMEOUT_MS + 1_000, count: 1 });
    await expectApiError(await profile(rt, quiet), 504, 'tiktok_timeout');
    // TikTok processes the refresh after our client gave up: the refresh token we hold is now dead.
    await expect.poll(() => callsTo(rt, '/v2/oauth/token/').map((c) => c.status), { timeout: 10_000, interval: 100 }).toEqual([200]);
    expect(await datasourceStatus(rt, quiet)).toBe('active'); // a lost answer alone is no verdict
    const body = await expectApiError(await profile(rt, quiet), 409, 'needs_reauth');
    expect(body.error.message).toMatch(/re-?connect/i);
    const view = await readJson(await rt.api(`/v1/datasources/${quiet}`));
    expect(view).toMatchObject({ status: 'needs_reauth' });
    expect(view.statusReason).toMatch(/answer was lost \(timeout at /);
    // Re-connecting brings it back.
    expect(await connectAccount(rt, { account: 'sandbox.quiet' })).toBe(quiet);
    await expectStoredRefreshTokenWorks(rt, quiet, quietOpenId);
  });

  it('TikTok 5xx on the token refresh: 502, datasource stays active, the refresh token still works', async () => {
    rt.sandbox!.expireAccessTokens(casualOpenId);
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: 'oauth/token', status: 503, count: 1 });
    await expectApiError(await profile(rt, casual), 502, 'tiktok_error');
    // A refresh is never retried after TikTok may have processed it (it rotates the refresh token).
    expect(callsTo(rt, '/v2/oauth/token/')).toHaveLength(1);
    await expectStoredRefreshTokenWorks(rt, casual, casualOpenId);
  });

  it('access_token_invalid mid-paging: one refresh, paging resumes where it stopped, every video exactly once', async () => {
    const pages = 5; // 100 of the creator's 437 videos, pages of 20
    rt.sandbox!.resetCallLog();
    // The access token dies at TikTok right before the third page is served.
    unhook = beforeNthSandboxCall(rt, '/v2/video/list/', 3, () => rt.sandbox!.expireAccessTokens(creatorOpenId));
    const body = await expectRows(
      await report(rt, creator, 'video-list', { fields: 'id,create_time', requestBody: { max_count: 20, cursor: 0 }, allPages: true, maxVideos: 100 }),
      100,
    );
    const ids = body.rows.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(100);
    const times = body.rows.map((r: { create_time: number }) => r.create_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(body.meta).toMatchObject({ pages, hasMore: true });

    expect(callsTo(rt, '/v2/oauth/token/').map((c) => c.status)).toEqual([200]);
    const list = callsTo(rt, '/v2/video/list/').map((c) => c.status);
    expect(list.filter((s) => s === 401)).toHaveLength(1);
    // Resumed, not restarted: the five pages once each, plus the one refused call.
    expect(list).toEqual([200, 200, 401, 200, 200, 200]);
    await expectStoredRefreshTokenWorks(rt, creator, creatorOpenId);
  });
});
