/**
 * The connect flow over real HTTP against the local runtime and its TikTok sandbox: connect links,
 * the redirect to TikTok, the consent form, the OAuth callback, and everything that must be refused.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appContext } from '../../shared/context.ts';
import { hashState } from '../../shared/connect/index.ts';
import { ALL_SCOPES } from '../../shared/tiktok/index.ts';
import { readJson } from '../support/http.ts';
import { OffsetClock } from './offset-clock.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';
import { connectThroughBrowserSteps, consent, createLink, elementText, openLink } from './consent.ts';

describe('connect flow over HTTP', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;
  let creator: string;
  let casual: string;
  let quiet: string;

  beforeAll(async () => {
    rt = await startTestRuntime({ clock });
    const byName = (u: string) => rt.sandbox!.accounts().find((a) => a.username === u)!.openId;
    [creator, casual, quiet] = [byName('sandbox.creator'), byName('sandbox.casual'), byName('sandbox.quiet')];
  });
  afterAll(async () => {
    await rt?.stop();
  });
  beforeEach(() => {
    clock.offsetMs = 0;
    rt.sandbox!.clearFaults();
  });

  async function tableItems(prefix: string): Promise<Array<Record<string, unknown>>> {
    const ctx = appContext();
    const res = await ctx.dynamo.send(
      new ScanCommand({ TableName: ctx.config.tableName, FilterExpression: 'begins_with(sk, :p)', ExpressionAttributeValues: { ':p': prefix } }),
    );
    return res.Items ?? [];
  }

  const datasourceCount = async () => (await tableItems('DS#')).length;

  it('creates a one-time link, redirects to TikTok with the exact OAuth request, and connects the approved account', async () => {
    const created = await rt.api('/v1/connect-links', { method: 'POST', json: { name: '  Brand account  ' } });
    expect(created.status).toBe(201);
    const link = await readJson(created);
    expect(link.name).toBe('Brand account');
    expect(link.url).toBe(`${rt.baseUrl}/v1/connect/${link.linkId}`);
    const ttlDays = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(ttlDays).toBeGreaterThan(6.9);
    expect(ttlDays).toBeLessThanOrEqual(7);

    // The link needs no API key: a person opens it in a browser (302 to TikTok, then the consent page).
    const page = await openLink(link.url);
    const authorize = page.authorizeUrl;
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${rt.baseUrl}/sandbox/tiktok/v2/auth/authorize/`);
    const q = authorize.searchParams;
    expect(q.get('client_key')).toBe('sandbox-client-key');
    expect(q.get('scope')).toBe('user.info.basic,user.info.profile,user.info.stats,video.list');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('redirect_uri')).toBe(`${rt.baseUrl}/v1/oauth/callback`);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const state = q.get('state')!;
    expect(Buffer.from(state, 'base64url').length).toBeGreaterThanOrEqual(16); // >= 128 bits
    // Only the state's hash is stored, with a 10-minute expiry.
    const stateItems = await tableItems('STATE');
    const stored = stateItems.find((i) => i.pk === `STATE#${hashState(state)}`)!;
    expect(stored).toBeDefined();
    expect(JSON.stringify(stateItems)).not.toContain(state);
    expect(Number(stored.expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(Number(stored.expiresAt) - Date.now()).toBeLessThanOrEqual(10 * 60_000);
    expect(stored.ttl).toBe(Math.floor(Number(stored.expiresAt) / 1000));

    expect(page.form.method).toBe('POST');
    expect(page.form.scopes.map((s) => s.value)).toEqual([...ALL_SCOPES]);
    expect(page.form.accounts).toContain(creator);
    const callbackUrl = await consent(page, { decision: 'approve', account: creator });
    const callback = new URL(callbackUrl);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${rt.baseUrl}/v1/oauth/callback`);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toMatch(/<script|<link|src="http/i);
    expect(elementText(html, 'status')).toBe('active');
    expect(elementText(html, 'display-name')).toBe('Cora Creator');
    const id = elementText(html, 'datasource-id')!;
    expect(id).toMatch(/^ds_[0-9a-f]{32}$/);
    expect(elementText(html, 'missing-scopes')).toBe('');

    const list = await readJson(await rt.api('/v1/datasources'));
    const ds = list.items.find((d: { id: string }) => d.id === id);
    expect(ds).toMatchObject({ id, name: 'Brand account', status: 'active', openId: creator, displayName: 'Cora Creator', lastRefreshAt: null });
    expect(ds.scopes).toEqual([...ALL_SCOPES]);
    expect(Date.parse(ds.accessTokenExpiresAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(ds.refreshTokenExpiresAt)).toBeGreaterThan(Date.parse(ds.accessTokenExpiresAt));
    expect(Object.keys(ds).sort()).toEqual(
      ['id', 'name', 'status', 'scopes', 'openId', 'displayName', 'accessTokenExpiresAt', 'refreshTokenExpiresAt', 'createdAt', 'updatedAt', 'lastRefreshAt'].sort(),
    );
    expect(await readJson(await rt.api(`/v1/datasources/${id}`))).toEqual(ds);

    // One-time: the state is gone and the link is used.
    expect((await tableItems('STATE')).some((i) => i.pk === `STATE#${hashState(state)}`)).toBe(false);
    const again = await fetch(link.url, { redirect: 'manual' });
    expect(again.status).toBe(410);
    expect(elementText(await again.text(), 'error-code')).toBe('link_used');
  });

  it('a link opened twice works with the second visit; the first visit then finds the link used', async () => {
    const link = await createLink(rt, 'Opened twice');
    const first = await openLink(link.url);
    const second = await openLink(link.url);
    expect(first.authorizeUrl.searchParams.get('state')).not.toBe(second.authorizeUrl.searchParams.get('state'));
    const firstCallback = await consent(first, { decision: 'approve', account: casual });
    const secondCallback = await consent(second, { decision: 'approve', account: casual });
    expect((await fetch(secondCallback, { redirect: 'manual' })).status).toBe(200);
    const before = await datasourceCount();
    rt.sandbox!.resetCallLog();
    const late = await fetch(firstCallback, { redirect: 'manual' });
    expect(late.status).toBe(410);
    expect(elementText(await late.text(), 'error-code')).toBe('link_used');
    expect(await datasourceCount()).toBe(before);
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/oauth/token/')).toEqual([]); // the code was not even exchanged
  });

  it('denied consent: a 403 page, nothing stored, no token call, and the link still works', async () => {
    const before = await datasourceCount();
    rt.sandbox!.resetCallLog();
    const link = await createLink(rt, 'Denied');
    const callbackUrl = await consent(await openLink(link.url), { decision: 'deny' });
    expect(new URL(callbackUrl).searchParams.get('error')).toBe('access_denied');
    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(elementText(html, 'status')).toBe('error');
    expect(elementText(html, 'error-code')).toBe('access_denied');
    expect(html).toMatch(/declined/);
    expect(html).not.toContain('datasource-id');
    expect(await datasourceCount()).toBe(before);
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/oauth/token/')).toEqual([]);
    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(302);
  });

  it('a subset of scopes: stores the granted ones and shows which were not granted', async () => {
    const result = await connectThroughBrowserSteps(rt, 'Partial', { decision: 'approve', account: quiet, scopes: ['user.info.basic', 'user.info.profile'] });
    expect(result.status).toBe(200);
    expect(elementText(result.html, 'granted-scopes')).toContain('user.info.profile');
    const missing = elementText(result.html, 'missing-scopes')!;
    expect(missing).toContain('user.info.stats');
    expect(missing).toContain('video.list');
    expect(missing).not.toContain('user.info.basic');
    const ds = await readJson(await rt.api(`/v1/datasources/${elementText(result.html, 'datasource-id')}`));
    expect(ds.scopes).toEqual(['user.info.basic', 'user.info.profile']);
  });

  it('refuses a consent without user.info.basic and stores nothing', async () => {
    const before = await datasourceCount();
    const result = await connectThroughBrowserSteps(rt, 'No basic', { decision: 'approve', account: quiet, scopes: ['video.list'] });
    expect(result.status).toBe(403);
    expect(elementText(result.html, 'error-code')).toBe('scope_required (user.info.basic)');
    expect(await datasourceCount()).toBe(before);
    // The link was not used up: the owner can try again.
    expect((await fetch(result.linkUrl, { redirect: 'manual' })).status).toBe(302);
  });

  it('refuses a forged state (well-formed or not) and a missing one', async () => {
    const before = await datasourceCount();
    for (const query of [`state=${'A'.repeat(43)}&code=abc`, 'state=%3Cscript%3E&code=abc', 'code=abc', '']) {
      const res = await fetch(`${rt.baseUrl}/v1/oauth/callback?${query}`, { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(elementText(html, 'error-code')).toBe('invalid_state');
      expect(html).not.toContain('<script>');
    }
    expect(await datasourceCount()).toBe(before);
  });

  it('refuses a replayed callback: the second use of the state is rejected and changes nothing', async () => {
    const result = await connectThroughBrowserSteps(rt, 'Replay', { decision: 'approve', account: casual });
    expect(result.status).toBe(200);
    const list = await readJson(await rt.api('/v1/datasources'));
    rt.sandbox!.resetCallLog();
    const replay = await fetch(result.callbackUrl, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(elementText(await replay.text(), 'error-code')).toBe('invalid_state');
    expect(rt.sandbox!.callLog()).toEqual([]);
    expect(await readJson(await rt.api('/v1/datasources'))).toEqual(list);
  });

  it('refuses an expired state (older than 10 minutes) and stores nothing', async () => {
    const before = await datasourceCount();
    const link = await createLink(rt, 'Slow owner');
    const callbackUrl = await consent(await openLink(link.url), { decision: 'approve', account: casual });
    clock.offsetMs = 10 * 60_000 + 1_000;
    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(elementText(await res.text(), 'error-code')).toBe('state_expired');
    expect(await datasourceCount()).toBe(before);
    // Consumed all the same: going back in time does not revive it.
    clock.offsetMs = 0;
    expect(elementText(await (await fetch(callbackUrl, { redirect: 'manual' })).text(), 'error-code')).toBe('invalid_state');
  });

  it('an expired link answers a 410 page and never reaches TikTok; an unknown link a 404 page', async () => {
    const link = await createLink(rt, 'Short link', { expiresInHours: 1 });
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(3_600_000);
    clock.offsetMs = 3_600_000 + 1_000;
    rt.sandbox!.resetCallLog();
    const res = await fetch(link.url, { redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(elementText(await res.text(), 'error-code')).toBe('link_expired');
    expect(rt.sandbox!.callLog()).toEqual([]);

    for (const id of ['cl_AAAAAAAAAAAAAAAAAAAAAA', 'nope', '%3Cb%3E']) {
      const unknown = await fetch(`${rt.baseUrl}/v1/connect/${id}`, { redirect: 'manual' });
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('text/html');
      expect(elementText(await unknown.text(), 'error-code')).toBe('link_not_found');
    }
  });

  it('a failed code exchange shows a 5xx page and stores nothing', async () => {
    const before = await datasourceCount();
    const link = await createLink(rt, 'TikTok down');
    const callbackUrl = await consent(await openLink(link.url), { decision: 'approve', account: casual });
    rt.sandbox!.injectFaults({ endpoint: '/v2/oauth/token/', status: 503 });
    const res = await fetch(callbackUrl, { redirect: 'manual' });
    expect(res.status).toBe(502);
    expect(elementText(await res.text(), 'error-code')).toBe('tiktok_unavailable');
    expect(await datasourceCount()).toBe(before);
    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(302);
  });

  it('validates the connect-link request', async () => {
    for (const [body, field] of [
      [{}, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(101) }, 'name'],
      [{ name: 'ok', expiresInHours: 0 }, 'expiresInHours'],
      [{ name: 'ok', expiresInHours: 24 * 31 }, 'expiresInHours'],
    ] as const) {
      const res = await rt.api('/v1/connect-links', { method: 'POST', json: body });
      expect(res.status).toBe(400);
      expect((await readJson(res)).error).toMatchObject({ code: 'invalid_request', field });
    }
    expect((await rt.api('/v1/connect-links', { method: 'POST', json: { name: 'x' }, auth: false })).status).toBe(401);
  });

  it('bounds the OAuth states one link can make: 10 opens per 10 minutes, then a 429 page until the window frees', async () => {
    const link = await createLink(rt, 'Opened in a loop');
    const open = () => fetch(link.url, { redirect: 'manual' });
    for (let i = 0; i < 10; i++) expect((await open()).status).toBe(302);
    const refused = await open();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(600);
    expect(elementText(await refused.text(), 'error-code')).toBe('link_busy');
    for (let i = 0; i < 5; i++) expect((await open()).status).toBe(429);
    const states = (await tableItems('STATE')).filter((item) => item.linkId === link.linkId);
    expect(states).toHaveLength(10);
    clock.offsetMs += 10 * 60_000;
    expect((await open()).status).toBe(302);
  });
});
