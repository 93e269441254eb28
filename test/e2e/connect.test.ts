/**
 * The first thing a user sees: the connect flow in a real browser (headless Chromium driven by
 * playwright-core) against the local runtime and its TikTok sandbox. Every page is screenshotted
 * under test-output/screenshots/, must not reach outside the machine (every other origin is
 * blocked and recorded) and must not log console errors beyond the expected HTTP status of an
 * error page.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OffsetClock } from '../connect/offset-clock.ts';
import { appContext } from '../../shared/context.ts';
import { ALL_SCOPES } from '../../shared/tiktok/index.ts';
import { browserUnavailableReason, guardPage, launchChromium, saveScreenshot, type GuardedPage } from '../support/browser.ts';
import { readJson } from '../support/http.ts';
import { startTestRuntime, type TestRuntime } from '../support/runtime.ts';

const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`[e2e] browser tests skipped: ${unavailable}`);

const APP_NAME = 'TikTok Connector (local)';
/** Token-shaped strings (TikTok's `act.` / `rft.` prefixes): never on a page or in an API answer. */
const TOKEN_LIKE = /\b(act|rft)\.[A-Za-z0-9_-]{8,}/;


describe.skipIf(unavailable)('connect flow in a real browser', () => {
  const clock = new OffsetClock();
  let rt: TestRuntime;
  let browser: Browser;
  let guarded: GuardedPage;

  beforeAll(async () => {
    [rt, browser] = await Promise.all([startTestRuntime({ clock }), launchChromium()]);
    // One page for the whole file (opening pages is the slow part); each test starts it over.
    guarded = await guardPage(browser, { allowedOrigins: [rt.baseUrl] });
  });
  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
  });
  beforeEach(async () => {
    clock.offsetMs = 0;
    await guarded.reset();
  });

  async function createLink(name: string): Promise<{ linkId: string; url: string; expiresAt: string }> {
    const res = await rt.api('/v1/connect-links', { method: 'POST', json: { name } });
    expect(res.status).toBe(201);
    const link = await readJson(res);
    expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    return link;
  }

  async function datasources(): Promise<Array<Record<string, unknown>>> {
    const res = await rt.api('/v1/datasources');
    expect(res.status).toBe(200);
    return (await readJson(res)).items;
  }

  /** Every datasource item in the table, whatever the API shows (nothing may be half-stored). */
  async function storedDatasourceItems(): Promise<number> {
    const ctx = appContext();
    const res = await ctx.dynamo.send(
      new ScanCommand({ TableName: ctx.config.tableName, FilterExpression: 'begins_with(sk, :ds)', ExpressionAttributeValues: { ':ds': 'DS#' } }),
    );
    return res.Items?.length ?? 0;
  }

  function expectPageStayedLocal(g: GuardedPage): void {
    expect(g.externalRequests, 'requests that would have left the machine').toEqual([]);
    expect(g.consoleErrors(), 'console errors').toEqual([]);
  }

  it('approve: consent page with the app and the four scopes, success page, datasource active', async () => {
    const link = await createLink('E2E brand account');
    const { page } = guarded;

    const consent = await page.goto(link.url);
    expect(consent?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/sandbox/tiktok/v2/auth/authorize/');
    expect(await page.title()).toBe(`Authorize ${APP_NAME}`);
    expect(await page.locator('h1').innerText()).toContain(APP_NAME);
    const scopeBoxes = await page.locator('input[name=scope]').all();
    expect(await Promise.all(scopeBoxes.map((b) => b.getAttribute('value')))).toEqual([...ALL_SCOPES]);
    expect(await Promise.all(scopeBoxes.map((b) => b.isChecked()))).toEqual(ALL_SCOPES.map(() => true));
    const consentText = await page.locator('#consent').innerText();
    for (const scope of ALL_SCOPES) expect(consentText).toContain(scope);
    // The authorize request the service built: exact redirect_uri, one-time state, PKCE S256.
    const authorize = new URL(page.url());
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${rt.baseUrl}/v1/oauth/callback`);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect((authorize.searchParams.get('state') ?? '').length).toBeGreaterThanOrEqual(22);
    await saveScreenshot(page, 'connect-1-consent');

    const casual = rt.sandbox!.accounts().find((a) => a.username === 'sandbox.casual')!;
    await page.selectOption('select[name=account]', casual.openId);
    const [callback] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/oauth/callback'), page.click('#approve')]);
    await page.waitForLoadState('load');
    expect(callback.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/v1/oauth/callback');
    await saveScreenshot(page, 'connect-2-success');

    const datasourceId = (await page.locator('#datasource-id').innerText()).trim();
    expect(datasourceId).not.toBe('');
    expect((await page.locator('#status').innerText()).toLowerCase()).toContain('active');
    expect(await page.content()).not.toMatch(TOKEN_LIKE);

    const res = await rt.api(`/v1/datasources/${encodeURIComponent(datasourceId)}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toMatch(TOKEN_LIKE);
    const ds = JSON.parse(text);
    expect(ds).toMatchObject({ id: datasourceId, status: 'active', openId: casual.openId, name: 'E2E brand account' });
    expect([...ds.scopes].sort()).toEqual([...ALL_SCOPES].sort());
    expectPageStayedLocal(guarded);

    // The link is one-time: opening it again is a 410 page, and nothing new is stored.
    const before = await storedDatasourceItems();
    const again = await page.goto(link.url);
    expect(again?.status()).toBe(410);
    await saveScreenshot(page, 'connect-3-link-used');
    expect(await storedDatasourceItems()).toBe(before);
  });

  it('reloading the callback (replayed code and state) is refused and changes nothing', async () => {
    const link = await createLink('E2E replay');
    await guarded.reset([/status of 4\d\d.*\/v1\/oauth\/callback\?/]);
    const { page } = guarded;
    await page.goto(link.url);
    await Promise.all([page.waitForURL((u) => u.pathname === '/v1/oauth/callback'), page.click('#approve')]);
    const id = (await page.locator('#datasource-id').innerText()).trim();
    const before = await datasources();

    const replay = await page.reload();
    expect(replay?.status()).toBeGreaterThanOrEqual(400);
    expect(replay?.status()).toBeLessThan(500);
    await saveScreenshot(page, 'connect-4-replayed-callback');
    expect(await page.content()).not.toMatch(TOKEN_LIKE);
    const after = await datasources();
    expect(after).toEqual(before);
    expect(after.find((d) => d.id === id)).toMatchObject({ status: 'active' });
    expectPageStayedLocal(guarded);
  });

  it('deny: an error page, and nothing is stored', async () => {
    const before = await storedDatasourceItems();
    const listed = (await datasources()).length;
    const link = await createLink('E2E denied');
    rt.sandbox!.resetCallLog();
    await guarded.reset([/status of 4\d\d.*\/v1\/oauth\/callback\?/]);
    const { page } = guarded;
    await page.goto(link.url);
    expect(await page.locator('#deny').isVisible()).toBe(true);
    const [callback] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/oauth/callback'), page.click('#deny')]);
    await page.waitForLoadState('load');
    expect(callback.status()).toBeGreaterThanOrEqual(400);
    expect(callback.status()).toBeLessThan(500);
    expect(callback.headers()['content-type']).toContain('text/html');
    await saveScreenshot(page, 'connect-5-denied');
    expect((await page.locator('body').innerText()).toLowerCase()).toMatch(/denied|cancel|not connected|declined/);
    expect(await page.locator('#datasource-id').count()).toBe(0);

    expect(await storedDatasourceItems()).toBe(before);
    expect((await datasources()).length).toBe(listed);
    // No code was exchanged: TikTok's token endpoint was never called.
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/oauth/token/')).toEqual([]);
    expectPageStayedLocal(guarded);

    // The page says to open the link again if that was a mistake: the link still works.
    const reopened = await page.goto(link.url);
    expect(reopened?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/sandbox/tiktok/v2/auth/authorize/');
  });

  it('an expired link answers a 410 page and never reaches TikTok', async () => {
    const link = await createLink('E2E expired');
    clock.offsetMs = Date.parse(link.expiresAt) - Date.now() + 1_000;
    rt.sandbox!.resetCallLog();
    await guarded.reset([/status of 410.*\/v1\/connect\//]);
    const { page } = guarded;
    const res = await page.goto(link.url);
    expect(res?.status()).toBe(410);
    expect(res?.headers()['content-type']).toContain('text/html');
    expect(new URL(page.url()).pathname).toBe(new URL(link.url).pathname);
    await saveScreenshot(page, 'connect-6-link-expired');
    expect((await page.locator('body').innerText()).toLowerCase()).toContain('expired');
    expect(rt.sandbox!.callLog()).toEqual([]);
    expectPageStayedLocal(guarded);
  });

  it('approving after the OAuth state expired (consent page left open 11 minutes): refused, nothing stored', async () => {
    const link = await createLink('E2E slow approver');
    await guarded.reset([/status of 4\d\d.*\/v1\/oauth\/callback\?/]);
    const { page } = guarded;
    await page.goto(link.url);
    const before = await storedDatasourceItems();
    rt.sandbox!.resetCallLog();
    clock.offsetMs = 11 * 60_000; // the state lives 10 minutes
    const [callback] = await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/oauth/callback'), page.click('#approve')]);
    await page.waitForLoadState('load');
    expect(callback.status()).toBeGreaterThanOrEqual(400);
    expect(callback.status()).toBeLessThan(500);
    await saveScreenshot(page, 'connect-9-state-expired');
    expect(await page.locator('#datasource-id').count()).toBe(0);
    expect(await page.content()).not.toMatch(TOKEN_LIKE);
    expect(await storedDatasourceItems()).toBe(before);
    // The code was never exchanged.
    expect(rt.sandbox!.callLog().filter((c) => c.endpoint === '/v2/oauth/token/')).toEqual([]);
    expectPageStayedLocal(guarded);
  });

  it('granting only some scopes stores exactly those, and a report needing another answers 403 naming it', async () => {
    const link = await createLink('E2E partial scopes');
    const { page } = guarded;
    await page.goto(link.url);
    const quiet = rt.sandbox!.accounts().find((a) => a.username === 'sandbox.quiet')!;
    await page.selectOption('select[name=account]', quiet.openId);
    await page.uncheck('input[name=scope][value="video.list"]');
    await page.uncheck('input[name=scope][value="user.info.stats"]');
    await saveScreenshot(page, 'connect-7-partial-consent');
    await Promise.all([page.waitForURL((u) => u.pathname === '/v1/oauth/callback'), page.click('#approve')]);
    const id = (await page.locator('#datasource-id').innerText()).trim();
    await saveScreenshot(page, 'connect-8-partial-success');

    const ds = await readJson(await rt.api(`/v1/datasources/${encodeURIComponent(id)}`));
    expect([...ds.scopes].sort()).toEqual(['user.info.basic', 'user.info.profile']);
    const report = await rt.api(`/v1/datasources/${encodeURIComponent(id)}/reports/profile`, {
      method: 'POST',
      json: { fields: 'display_name,follower_count' },
    });
    expect(report.status).toBe(403);
    const body = await readJson(report);
    expect(JSON.stringify(body.error)).toContain('user.info.stats');
    expectPageStayedLocal(guarded);
  });
});
