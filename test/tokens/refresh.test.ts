/**
 * Access tokens over the real stack: the local runtime's DynamoDB, the vault and the TikTok sandbox
 * (which enforces expiry and strict refresh-token rotation). Accounts are connected through the
 * real connect flow.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appContext, tableAccess } from '../../shared/context.ts';
import { getTikTokClient } from '../../shared/credentials/tiktok-app.ts';
import { keys } from '../../shared/store/table.ts';
import { isTikTokError, TikTokError } from '../../shared/tiktok/index.ts';
import { createTokenService, tokenVault, withAccessToken } from '../../shared/tokens/index.ts';
import { AppError } from '../../shared/errors.ts';
import { readJson } from '../support/http.ts';
import { OffsetClock } from '../connect/offset-clock.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { connectThroughBrowserSteps, elementText } from '../connect/consent.ts';

const DAY = 86_400_000;

describe('access tokens and refresh', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;

  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
  });
  afterAll(async () => {
    await rt?.stop();
  });
  beforeEach(() => {
    rt.sandbox!.clearFaults();
    rt.sandbox!.resetCallLog();
  });

  async function connect(username: string, name = `tokens ${username}`): Promise<{ id: string; openId: string; html: string }> {
    const openId = rt.sandbox!.accounts().find((a) => a.username === username)!.openId;
    const result = await connectThroughBrowserSteps(rt, name, { decision: 'approve', account: openId });
    expect(result.status).toBe(200);
    return { id: elementText(result.html, 'datasource-id')!, openId, html: result.html };
  }

  async function item(id: string): Promise<Record<string, unknown>> {
    const ctx = appContext();
    const res = await ctx.dynamo.send(new GetCommand({ TableName: ctx.config.tableName, Key: keys.datasource(rt.tenantId, id), ConsistentRead: true }));
    return res.Item!;
  }

  const tokenCalls = () => rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/oauth/token/');
  const userInfo = async (accessToken: string) => (await (await getTikTokClient()).getUserInfo(accessToken, ['open_id', 'display_name'])).data.user;

  it('a valid token serves the call without a refresh', async () => {
    const { id, openId } = await connect('sandbox.quiet');
    rt.sandbox!.resetCallLog();
    const before = await item(id);
    const user = await withAccessToken({ tenantId: rt.tenantId, datasourceId: id }, (at) => userInfo(at));
    expect(user.open_id).toBe(openId);
    expect(tokenCalls()).toEqual([]);
    expect(await item(id)).toEqual(before); // no write
  });

  it('20 concurrent calls on an expired access token make exactly one refresh, and all 20 succeed', async () => {
    const { id, openId } = await connect('sandbox.creator');
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    const before = await item(id);
    clock.offsetMs += DAY + 60_000; // past the access token lifetime (2 h), at the sandbox too
    rt.sandbox!.resetCallLog();
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/token/', delayMs: 200 });

    const results = await Promise.all(Array.from({ length: 20 }, () => withAccessToken(ref, async (at, ds) => ({ user: await userInfo(at), ds }))));
    expect(results.map((r) => r.user.open_id)).toEqual(Array(20).fill(openId));
    expect(tokenCalls()).toHaveLength(1);
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/user/info/' && c.status === 200)).toHaveLength(20);

    const after = await item(id);
    expect(after.tokenVersion).toBe(Number(before.tokenVersion) + 1);
    expect(after.leaseOwner).toBeUndefined();
    expect(after.leaseUntil).toBeUndefined();
    expect(Number(after.accessTokenExpiresAt)).toBeGreaterThan(clock.now());
    expect(after.lastRefreshAt).toBe(results[0]!.ds.lastRefreshAt);
    expect(after.gsi2sk).toBe(`${new Date(Number(after.accessTokenExpiresAt)).toISOString()}#${rt.tenantId}#${id}`);
  });

  it('two containers (separate services) refreshing at once make one refresh through the DynamoDB lease', async () => {
    const { id } = await connect('sandbox.casual');
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    clock.offsetMs += DAY + 60_000;
    rt.sandbox!.resetCallLog();
    // A slow (but successful) token endpoint: both containers surely see the expired token and contend.
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/token/', delayMs: 300 });
    const deps = () => ({ ...tableAccess(), vault: tokenVault(), tiktok: getTikTokClient, now: () => clock.now() });
    const a = createTokenService(deps());
    const b = createTokenService(deps());
    const calls = [...Array.from({ length: 10 }, () => a), ...Array.from({ length: 10 }, () => b)].map((svc) =>
      svc.withAccessToken(ref, async (at) => (await userInfo(at)).open_id),
    );
    const openIds = await Promise.all(calls);
    expect(new Set(openIds).size).toBe(1);
    expect(tokenCalls()).toHaveLength(1);
  });

  it('TikTok answering access_token_invalid triggers one refresh and one retry', async () => {
    const { id, openId } = await connect('sandbox.quiet', 'invalid access token');
    rt.sandbox!.expireAccessTokens(openId); // our stored expiry still says valid
    rt.sandbox!.resetCallLog();
    let attempts = 0;
    const user = await withAccessToken({ tenantId: rt.tenantId, datasourceId: id }, async (at) => {
      attempts += 1;
      return userInfo(at);
    });
    expect(user.open_id).toBe(openId);
    expect(attempts).toBe(2);
    expect(tokenCalls()).toHaveLength(1);
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/user/info/').map((c) => c.status)).toEqual([401, 200]);
  });

  it('rotation: the stored refresh token changes and the old one is never used again (TikTok rejects it)', async () => {
    const { id } = await connect('sandbox.casual', 'rotation');
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    const vault = tokenVault();
    const before = await vault.open(ref, (await item(id)).tokens);
    clock.offsetMs += DAY + 60_000;
    await withAccessToken(ref, async (at) => userInfo(at));
    const after = await vault.open(ref, (await item(id)).tokens);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe(before.accessToken);
    const rejected = await (await getTikTokClient()).refreshToken(before.refreshToken).catch((e: unknown) => e);
    expect(isTikTokError(rejected, 'invalid_grant')).toBe(true);
    // The next refresh uses the new refresh token and works.
    clock.offsetMs += DAY + 60_000;
    rt.sandbox!.resetCallLog();
    await withAccessToken(ref, async (at) => userInfo(at));
    expect(tokenCalls().map((c) => c.status)).toEqual([200]);
  });

  it('a revoked refresh token moves the datasource to needs_reauth (409 with a re-connect hint); re-connecting restores it under the same id', async () => {
    const { id, openId } = await connect('sandbox.creator', 'to be revoked');
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    rt.sandbox!.revokeRefreshTokens(openId);
    clock.offsetMs += DAY + 60_000;
    const err = await withAccessToken(ref, async (at) => userInfo(at)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ kind: 'conflict', code: 'needs_reauth' });
    expect((err as AppError).details).toMatchObject({ datasourceId: id, reconnect: { method: 'POST', path: '/v1/connect-links' } });

    const ds = await readJson(await rt.api(`/v1/datasources/${id}`));
    expect(ds).toMatchObject({ id, status: 'needs_reauth' });
    expect(ds.statusReason).toContain('invalid_grant');
    const stored = await item(id);
    expect(stored.gsi2pk).toBeUndefined(); // out of the refresh sweep
    expect(stored.tokens).toBeDefined(); // nothing else lost
    // Later calls answer 409 at once, without asking TikTok.
    rt.sandbox!.resetCallLog();
    await expect(withAccessToken(ref, async () => 'never')).rejects.toMatchObject({ code: 'needs_reauth' });
    expect(rt.sandbox!.callLog()).toEqual([]);

    const again = await connect('sandbox.creator', 'reconnected');
    expect(again.id).toBe(id);
    expect(elementText(again.html, 'title')).toContain('connected again');
    const restored = await readJson(await rt.api(`/v1/datasources/${id}`));
    expect(restored).toMatchObject({ id, status: 'active', name: 'reconnected', createdAt: ds.createdAt });
    expect(restored.statusReason).toBeUndefined();
    expect((await item(id)).gsi2pk).toBe('TOKENEXP');
    const list = await readJson(await rt.api('/v1/datasources'));
    expect(list.items.filter((d: { openId: string }) => d.openId === openId)).toHaveLength(1);
    expect((await withAccessToken(ref, async (at) => userInfo(at))).open_id).toBe(openId);
  });

  it('a transient TikTok failure during refresh changes nothing and surfaces as the TikTok error', async () => {
    const { id, openId } = await connect('sandbox.quiet', 'transient');
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    clock.offsetMs += DAY + 60_000;
    const before = await item(id);
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/token/', status: 503 });
    const err = await withAccessToken(ref, async (at) => userInfo(at)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TikTokError);
    expect((err as TikTokError).kind).toBe('upstream');
    const after = await item(id);
    expect(after).toMatchObject({ status: 'active', tokenVersion: before.tokenVersion, tokens: before.tokens });
    expect(after.leaseOwner).toBeUndefined();
    // Next time it works.
    expect((await withAccessToken(ref, async (at) => userInfo(at))).open_id).toBe(openId);
  });
});
