/**
 * Connects a sandbox TikTok account over HTTP, the way a person would: create a connect link with
 * the API key, open it (302 to the sandbox's consent page), approve the chosen account with the
 * chosen scopes, follow the redirect to the OAuth callback, then find the datasource by open_id.
 * Cookies set along the way are carried like a browser would.
 */
import type { TestRuntime } from './runtime.ts';

export interface ConnectOptions {
  /** Sandbox account by username (e.g. `sandbox.creator`) or index in the seeded list; default 0. */
  account?: string | number;
  /** Scopes ticked on the consent page; default all that the connect link requests. */
  scopes?: string[];
  /** Name given to the connect link (and the datasource). */
  name?: string;
}

type Cookies = Map<string, string>;

function remember(cookies: Cookies, res: Response): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const eq = pair!.indexOf('=');
    if (eq > 0) cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
  }
}

async function browse(cookies: Cookies, url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  remember(cookies, res);
  return res;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function hiddenInputs(html: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) out.push([unescapeHtml(m[1]!), unescapeHtml(m[2]!)]);
  return out;
}

async function expectStatus(res: Response, status: number, step: string): Promise<void> {
  if (res.status !== status) throw new Error(`connectAccount: ${step} answered ${res.status}, expected ${status}: ${(await res.text()).slice(0, 300)}`);
}

/** Returns the datasource id of the connected account. */
export async function connectAccount(rt: TestRuntime, options: ConnectOptions = {}): Promise<string> {
  if (!rt.sandbox) throw new Error('connectAccount needs the built-in TikTok sandbox');
  const accounts = rt.sandbox.accounts();
  const account =
    typeof options.account === 'string' ? accounts.find((a) => a.username === options.account) : accounts[options.account ?? 0];
  if (!account) throw new Error(`connectAccount: no sandbox account ${String(options.account)}`);

  const link = await rt.api('/v1/connect-links', { method: 'POST', json: { name: options.name ?? `test ${account.username}` } });
  await expectStatus(link, 201, 'POST /v1/connect-links');
  const { url } = (await link.json()) as { url: string };

  const cookies: Cookies = new Map();
  const open = await browse(cookies, url);
  await expectStatus(open, 302, 'opening the connect link');
  const authorizeUrl = new URL(open.headers.get('location')!, url).toString();

  const consent = await browse(cookies, authorizeUrl);
  await expectStatus(consent, 200, 'the consent page');
  const html = await consent.text();
  const form = new URLSearchParams(hiddenInputs(html));
  form.set('account', account.openId);
  const requested = (form.get('requested_scopes') ?? '').split(',').filter(Boolean);
  for (const scope of options.scopes ?? requested) form.append('scope', scope);
  form.set('decision', 'approve');

  const approved = await browse(cookies, authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  await expectStatus(approved, 302, 'approving on the consent page');
  const callbackUrl = new URL(approved.headers.get('location')!, authorizeUrl).toString();

  const callback = await browse(cookies, callbackUrl);
  await expectStatus(callback, 200, 'the OAuth callback');

  const list = await rt.api('/v1/datasources');
  await expectStatus(list, 200, 'GET /v1/datasources');
  const { items } = (await list.json()) as { items: Array<{ id: string; openId: string }> };
  const found = items.find((d) => d.openId === account.openId);
  if (!found) throw new Error(`connectAccount: no datasource for ${account.username} after the callback`);
  return found.id;
}
