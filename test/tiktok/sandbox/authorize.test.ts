/** The sandbox's consent page and its validation, as a browser would meet them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_SCOPES, createPkceVerifier, pkceChallenge } from '../../../shared/tiktok/index.ts';
import { CLIENT_KEY, REDIRECT_URI, startSandbox, type SandboxEnv } from '../helpers.ts';

let env: SandboxEnv;
beforeAll(async () => {
  env = await startSandbox({ appName: 'Acme <Reports>' });
});
afterAll(() => env.close());

const challenge = pkceChallenge(createPkceVerifier());
const good = (): Record<string, string> => ({
  client_key: CLIENT_KEY,
  scope: 'user.info.basic,video.list',
  response_type: 'code',
  redirect_uri: REDIRECT_URI,
  state: 'xyz',
  code_challenge: challenge,
  code_challenge_method: 'S256',
});
const authorizeUrl = (params: Record<string, string>) => `${env.baseUrl}/v2/auth/authorize/?${new URLSearchParams(params)}`;
const submit = (form: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const item of [v].flat()) body.append(k, item);
  return fetch(`${env.baseUrl}/v2/auth/authorize/`, { method: 'POST', body, redirect: 'manual' });
};
const formFor = (extra: Record<string, string | string[]>) => {
  const { scope, ...rest } = good();
  return { ...rest, requested_scopes: scope!, account: env.openId(5), decision: 'approve', scope: ['user.info.basic'], ...extra };
};

describe('consent page', () => {
  it('shows the app, one checkbox per requested scope, the seeded accounts and stable button ids', async () => {
    const res = await fetch(authorizeUrl(good()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('Acme &lt;Reports&gt;'); // escaped
    expect(html).not.toContain('<Reports>');
    expect(html.match(/<input type="checkbox" name="scope" value="([^"]+)" checked>/g)).toHaveLength(2);
    expect(html).toContain('value="user.info.basic"');
    expect(html).toContain('value="video.list"');
    expect(html).not.toContain('value="user.info.stats"');
    expect(html.match(/<option value=/g)).toHaveLength(3);
    expect(html).toMatch(new RegExp(`<option value="${env.openId(437)}" selected>@sandbox.creator`));
    expect(html).toContain('<select name="account"');
    expect(html).toMatch(/<button type="submit" id="approve" name="decision" value="approve">/);
    expect(html).toMatch(/<button type="submit" id="deny" name="decision" value="deny">/);
    expect(html).toContain(`name="code_challenge" value="${challenge}"`);
  });

  it('loads no external resources', async () => {
    const res = await fetch(authorizeUrl(good()));
    const html = await res.text();
    expect(html).not.toMatch(/<script|<link|<img|<iframe|src=|@import|url\(/i);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it.each([
    ['client_key', { client_key: 'someone-else' }],
    ['client_key', { client_key: '' }],
    ['response_type', { response_type: 'token' }],
    ['scope', { scope: 'user.info.basic,user.email' }],
    ['scope', { scope: '' }],
    ['redirect_uri', { redirect_uri: '/relative/callback' }],
    ['redirect_uri', { redirect_uri: 'https://app.example.com/cb#frag' }],
    ['redirect_uri', { redirect_uri: 'ftp://app.example.com/cb' }],
    ['state', { state: '' }],
    ['code_challenge', { code_challenge: 'short' }],
    ['code_challenge_method', { code_challenge_method: 'plain' }],
  ])('shows a 400 error page naming %s', async (param, override) => {
    const res = await fetch(authorizeUrl({ ...good(), ...override }));
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`<strong id="error-param">${param}</strong>`);
    expect(html).not.toContain('id="approve"');
  });

  it('accepts a web request without PKCE (TikTok documents it as optional for web)', async () => {
    const { code_challenge: _c, code_challenge_method: _m, ...noPkce } = good();
    expect((await fetch(authorizeUrl(noPkce))).status).toBe(200);
  });
});

describe('consent submission', () => {
  it('approves with a code, the granted scopes and the state; keeps an existing query on redirect_uri', async () => {
    const res = await submit(formFor({ redirect_uri: 'http://127.0.0.1:3000/cb?tenant=1', scope: ['video.list', 'user.info.basic'] }));
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe('http://127.0.0.1:3000/cb');
    expect(location.searchParams.get('tenant')).toBe('1');
    expect(location.searchParams.get('scopes')).toBe('user.info.basic,video.list');
    expect(location.searchParams.get('state')).toBe('xyz');
    expect(location.searchParams.get('code')).toMatch(/.{20,}/);
  });

  it('refuses to grant a scope that was not requested, or an unknown account', async () => {
    expect((await submit(formFor({ scope: ['user.info.stats'] }))).status).toBe(400);
    expect((await submit(formFor({ account: 'not-an-account' }))).status).toBe(400);
  });

  it('re-shows the page when nothing was ticked', async () => {
    const res = await submit(formFor({ scope: [] }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Select at least one permission');
  });

  it('re-validates the carried request (a forged client_key gets the error page)', async () => {
    const res = await submit(formFor({ client_key: 'forged' }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<strong id="error-param">client_key</strong>');
  });

  it('all four scopes are offered when all are requested', async () => {
    const html = await (await fetch(authorizeUrl({ ...good(), scope: ALL_SCOPES.join(',') }))).text();
    for (const scope of ALL_SCOPES) expect(html).toContain(`name="scope" value="${scope}"`);
  });
});
