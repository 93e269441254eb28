/** GET/DELETE /v1/datasources over real HTTP: paging, tenant isolation, revoke at TikTok, TikTok down. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTenant, storeApiKey } from '../../shared/auth/api-keys.ts';
import { appContext, tableAccess } from '../../shared/context.ts';
import { deleteDatasource } from '../../shared/datasources/index.ts';
import { getTikTokClient } from '../../shared/credentials/tiktok-app.ts';
import { keys } from '../../shared/store/table.ts';
import { isTikTokError } from '../../shared/tiktok/index.ts';
import { tokenVault } from '../../shared/tokens/index.ts';
import { overrideWebhookQueue, webhookQueue, type WebhookMessage } from '../../shared/webhooks/queue.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { connectThroughBrowserSteps, elementText } from '../connect/consent.ts';

const TOKEN_LIKE = /\b(act|rft)\.[A-Za-z0-9_-]{8,}/;

describe('datasources API', () => {
  let rt: TestRuntime;
  let otherKey: string;
  const ids: Record<string, string> = {};
  const openIds: Record<string, string> = {};

  beforeAll(async () => {
    rt = await startTestRuntime();
    for (const username of ['sandbox.quiet', 'sandbox.casual', 'sandbox.creator']) {
      openIds[username] = rt.sandbox!.accounts().find((a) => a.username === username)!.openId;
      const result = await connectThroughBrowserSteps(rt, `api ${username}`, { decision: 'approve', account: openIds[username] });
      ids[username] = elementText(result.html, 'datasource-id')!;
    }
    const ctx = appContext();
    const deps = { dynamo: ctx.dynamo, tableName: ctx.config.tableName, now: () => Date.now() };
    await ensureTenant(deps, 'tn_other', 'Another tenant');
    otherKey = (await storeApiKey(deps, 'tn_other')).apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
  });
  beforeEach(() => {
    rt.sandbox!.clearFaults();
    rt.sandbox!.resetCallLog();
  });

  async function stored(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
    const ctx = appContext();
    return (await ctx.dynamo.send(new GetCommand({ TableName: ctx.config.tableName, Key: key, ConsistentRead: true }))).Item;
  }

  it('lists in pages with nextToken, never showing a token', async () => {
    const first = await rt.api('/v1/datasources?limit=2');
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).not.toMatch(TOKEN_LIKE);
    expect(text).not.toMatch(/tokens|edk|ciphertext|lease/i);
    const page1 = JSON.parse(text);
    expect(page1.items).toHaveLength(2);
    expect(page1.nextToken).toEqual(expect.any(String));
    const page2 = await readJson(await rt.api(`/v1/datasources?limit=2&nextToken=${encodeURIComponent(page1.nextToken)}`));
    expect(page2.items).toHaveLength(1);
    expect(page2.nextToken).toBeUndefined();
    const all = [...page1.items, ...page2.items].map((d: { id: string }) => d.id).sort();
    expect(all).toEqual(Object.values(ids).sort());
  });

  it('rejects a bad page size or a forged nextToken with 400 naming the field', async () => {
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      [`nextToken=${Buffer.from(JSON.stringify({ sk: 'KEY#x' })).toString('base64url')}`, 'nextToken'],
      ['nextToken=not-json', 'nextToken'],
    ]) {
      const res = await rt.api(`/v1/datasources?${query}`);
      expect(res.status).toBe(400);
      expect((await readJson(res)).error).toMatchObject({ code: 'invalid_request', field });
    }
  });

  it("another tenant's datasource is 404 for reading and deleting, and stays intact", async () => {
    const id = ids['sandbox.casual']!;
    const list = await readJson(await rt.api('/v1/datasources', { auth: otherKey }));
    expect(list.items).toEqual([]);
    const get = await rt.api(`/v1/datasources/${id}`, { auth: otherKey });
    expect(get.status).toBe(404);
    expect((await readJson(get)).error).toMatchObject({ code: 'not_found' });
    const del = await rt.api(`/v1/datasources/${id}`, { method: 'DELETE', auth: otherKey });
    expect(del.status).toBe(404);
    expect(rt.sandbox!.callLog()).toEqual([]); // nothing revoked
    expect((await rt.api(`/v1/datasources/${id}`)).status).toBe(200);
    expect((await rt.api('/v1/datasources/ds_unknown')).status).toBe(404);
  });

  it('DELETE revokes at TikTok, deletes tokens and datasource: 204', async () => {
    const id = ids['sandbox.quiet']!;
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    const { accessToken } = await tokenVault().open(ref, (await stored(keys.datasource(rt.tenantId, id)))!.tokens);
    const res = await rt.api(`/v1/datasources/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(rt.sandbox!.callLog().map((c) => [c.endpoint, c.status])).toEqual([['/v2/oauth/revoke/', 200]]);
    const rejected = await (await getTikTokClient()).getUserInfo(accessToken, ['open_id']).catch((e: unknown) => e);
    expect(isTikTokError(rejected, 'token_invalid')).toBe(true);
    expect(await stored(keys.datasource(rt.tenantId, id))).toBeUndefined();
    expect(await stored({ pk: `TENANT#${rt.tenantId}`, sk: `OPENID#${openIds['sandbox.quiet']}` })).toBeUndefined();
    expect((await rt.api(`/v1/datasources/${id}`)).status).toBe(404);
    expect((await rt.api(`/v1/datasources/${id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('DELETE while TikTok is down still deletes the tokens and says the revoke failed (200)', async () => {
    const id = ids['sandbox.casual']!;
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/revoke/', status: 503 });
    const res = await rt.api(`/v1/datasources/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ deleted: true, revoked: false, reason: 'tiktok_upstream', message: expect.stringContaining('deleted') });
    expect(await stored(keys.datasource(rt.tenantId, id))).toBeUndefined();
    expect((await rt.api(`/v1/datasources/${id}`)).status).toBe(404);
  });

  it('the account can be connected again after a delete, as a new datasource', async () => {
    const result = await connectThroughBrowserSteps(rt, 'back again', { decision: 'approve', account: openIds['sandbox.quiet'] });
    expect(result.status).toBe(200);
    const id = elementText(result.html, 'datasource-id')!;
    expect(id).not.toBe(ids['sandbox.quiet']);
    expect(await readJson(await rt.api(`/v1/datasources/${id}`))).toMatchObject({ status: 'active', name: 'back again' });
  });

  it('the delete flow sends datasource.revoked (reason deleted) once, even when TikTok did not confirm', async () => {
    const id = ids['sandbox.creator']!;
    const ref = { tenantId: rt.tenantId, datasourceId: id };
    const sent: WebhookMessage[] = [];
    const runtimeQueue = webhookQueue();
    overrideWebhookQueue({ send: async (message) => void sent.push(message), deadLetter: async () => undefined });
    // The deps the datasources function wires (functions/datasources/handler.ts).
    const datasourceDeps = () => ({ ...tableAccess(), vault: tokenVault(), tiktok: getTikTokClient });
    try {
      rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/revoke/', status: 503 });
      expect(await deleteDatasource(datasourceDeps(), ref)).toMatchObject({ deleted: true, revoked: false });
      await expect(deleteDatasource(datasourceDeps(), ref)).rejects.toMatchObject({ kind: 'not_found' });
    } finally {
      overrideWebhookQueue(runtimeQueue);
    }
    expect(sent).toEqual([
      {
        kind: 'event',
        tenantId: rt.tenantId,
        event: expect.objectContaining({
          type: 'datasource.revoked',
          data: { datasource: { id, name: 'api sandbox.creator', displayName: expect.any(String), openId: openIds['sandbox.creator'] }, reason: 'deleted' },
        }),
      },
    ]);
  });
});
