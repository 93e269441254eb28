/**
 * Connects a sandbox account over plain HTTP, the way a browser would, for a runtime in another
 * process (the load test): connect link -> 302 to the consent page -> the consent form POSTed back
 * with the chosen account and scopes -> 302 to the OAuth callback -> the datasource.
 * The browser version of the same flow, with assertions on every page, is test/e2e/connect.test.ts.
 */
import { ALL_SCOPES } from '../../shared/tiktok/index.ts';

export interface HttpConnectOptions {
  baseUrl: string;
  apiKey: string;
  /** Sandbox username, e.g. `sandbox.creator`. */
  username: string;
  name?: string;
  scopes?: readonly string[];
}

/** Hand-written extraction: the sandbox's consent page is fixed, simple HTML (shared/tiktok/sandbox/pages.ts). */
const attr = (tag: string, name: string): string | undefined => tag.match(new RegExp(`\\b${name}="([^"]*)"`))?.[1];
const unescapeHtml = (v: string): string => v.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/&amp;/g, '&');

async function expectRedirect(res: Response, what: string): Promise<string> {
  const location = res.headers.get('location');
  if (res.status < 300 || res.status >= 400 || !location) {
    throw new Error(`${what}: expected a redirect, got ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  return new URL(location, res.url).toString();
}

export async function connectOverHttp(o: HttpConnectOptions): Promise<{ datasourceId: string; openId: string }> {
  const auth = { authorization: `Bearer ${o.apiKey}` };
  const linkRes = await fetch(`${o.baseUrl}/v1/connect-links`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: o.name ?? o.username }),
  });
  if (linkRes.status !== 201) throw new Error(`create connect link: ${linkRes.status} ${await linkRes.text()}`);
  const link = (await linkRes.json()) as { url: string };

  const authorizeUrl = await expectRedirect(await fetch(link.url, { redirect: 'manual' }), 'open connect link');
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await consent.text();
  if (consent.status !== 200) throw new Error(`consent page: ${consent.status} ${html.slice(0, 300)}`);

  const form = new URLSearchParams();
  for (const tag of html.match(/<input type="hidden"[^>]*>/g) ?? []) form.append(attr(tag, 'name')!, unescapeHtml(attr(tag, 'value') ?? ''));
  const option = (html.match(/<option[^>]*>[^<]*<\/option>/g) ?? []).find((t) => t.includes(`>@${o.username} `));
  if (!option) throw new Error(`consent page lists no account @${o.username}`);
  const openId = attr(option, 'value')!;
  form.set('account', openId);
  for (const scope of o.scopes ?? ALL_SCOPES) form.append('scope', scope);
  form.set('decision', 'approve');

  const approved = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const callbackUrl = await expectRedirect(approved, 'approve');
  const callback = await fetch(callbackUrl, { redirect: 'manual' });
  const page = await callback.text();
  if (callback.status !== 200) throw new Error(`oauth callback: ${callback.status} ${page.slice(0, 300)}`);

  const list = await fetch(`${o.baseUrl}/v1/datasources`, { headers: auth });
  const items = ((await list.json()) as { items: Array<{ id: string; openId?: string; open_id?: string; status: string }> }).items;
  const ds = items.find((d) => (d.openId ?? d.open_id) === openId && d.status === 'active');
  if (!ds) throw new Error(`no active datasource for @${o.username} after the callback`);
  return { datasourceId: ds.id, openId };
}
