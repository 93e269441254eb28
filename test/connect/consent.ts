/**
 * Drives the connect flow over plain HTTP the way a browser would: follow the connect link's
 * redirect, read the consent page's <form> (action, method, hidden inputs, scope checkboxes, the
 * account <select>, the decision buttons) and submit it as the browser would for the clicked button.
 * Step by step, so tests can stop anywhere (deny, replay, wait past the state's expiry).
 */
import { expect } from 'vitest';
import type { TestRuntime } from '../support/runtime.ts';

export interface ConsentForm {
  action: string;
  method: string;
  hidden: Array<[string, string]>;
  scopes: Array<{ value: string; checked: boolean }>;
  accounts: string[];
  decisions: string[];
}

const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? decodeEntities(m[1]!) : undefined;
};

function decodeEntities(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function readConsentForm(html: string, pageUrl: string): ConsentForm {
  const formTag = /<form\b[^>]*>/i.exec(html)?.[0];
  if (!formTag) throw new Error('the consent page has no form');
  const body = html.slice(html.indexOf(formTag), html.indexOf('</form>'));
  const inputs = [...body.matchAll(/<input\b[^>]*>/gi)].map((m) => m[0]);
  const select = /<select\b[^>]*name="account"[^>]*>([\s\S]*?)<\/select>/i.exec(body)?.[1] ?? '';
  return {
    // A browser resolves action="" to the page's own URL (query string included).
    action: new URL(attr(formTag, 'action') ?? '', pageUrl).toString(),
    method: (attr(formTag, 'method') ?? 'get').toUpperCase(),
    hidden: inputs.filter((t) => attr(t, 'type') === 'hidden').map((t) => [attr(t, 'name')!, attr(t, 'value') ?? '']),
    scopes: inputs.filter((t) => attr(t, 'type') === 'checkbox' && attr(t, 'name') === 'scope').map((t) => ({ value: attr(t, 'value')!, checked: /\schecked\b/.test(t) })),
    accounts: [...select.matchAll(/<option\b[^>]*>/gi)].map((m) => attr(m[0], 'value')!),
    decisions: [...body.matchAll(/<button\b[^>]*>/gi)].map((m) => m[0]).filter((t) => attr(t, 'name') === 'decision').map((t) => attr(t, 'value')!),
  };
}

export interface Choice {
  decision: 'approve' | 'deny';
  /** open_id of the account to pick; default the first option. */
  account?: string;
  /** Checkboxes left ticked; default those the page ticks. */
  scopes?: string[];
}

/** Submits the form as the browser does for the clicked button; returns TikTok's answer (a 302 to the callback). */
export async function submitConsent(form: ConsentForm, choice: Choice): Promise<Response> {
  expect(form.decisions).toContain(choice.decision);
  const data = new URLSearchParams(form.hidden);
  data.append('account', choice.account ?? form.accounts[0]!);
  for (const s of choice.scopes ?? form.scopes.filter((x) => x.checked).map((x) => x.value)) data.append('scope', s);
  data.append('decision', choice.decision);
  if (form.method === 'POST') {
    return fetch(form.action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: data.toString(), redirect: 'manual' });
  }
  const url = new URL(form.action);
  url.search = data.toString();
  return fetch(url, { redirect: 'manual' });
}

export interface OpenedLink {
  authorizeUrl: URL;
  form: ConsentForm;
}

/** Opens a connect link (302 to TikTok) and loads the consent page. */
export async function openLink(url: string): Promise<OpenedLink> {
  const opened = await fetch(url, { redirect: 'manual' });
  expect(opened.status).toBe(302);
  const authorizeUrl = new URL(opened.headers.get('location')!, url);
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(200);
  return { authorizeUrl, form: readConsentForm(await consent.text(), authorizeUrl.toString()) };
}

/** Approves or denies and returns the callback URL TikTok redirected to (not yet followed). */
export async function consent(opened: OpenedLink, choice: Choice): Promise<string> {
  const answer = await submitConsent(opened.form, choice);
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get('location')!, opened.form.action).toString();
}

export async function createLink(rt: TestRuntime, name: string, extra: Record<string, unknown> = {}): Promise<{ linkId: string; url: string; expiresAt: string }> {
  const res = await rt.api('/v1/connect-links', { method: 'POST', json: { name, ...extra } });
  expect(res.status).toBe(201);
  return (await res.json()) as { linkId: string; url: string; expiresAt: string };
}

/** The page's element text by id (the pages are ours: flat, escaped, one element per id). */
export function elementText(html: string, id: string): string | undefined {
  const m = new RegExp(`<(\\w+)[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return m ? decodeEntities(m[2]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()) : undefined;
}

/** Whole flow: link -> consent -> callback. Returns the callback response and its page. */
export async function connectThroughBrowserSteps(
  rt: TestRuntime,
  name: string,
  choice: Choice,
): Promise<{ status: number; html: string; callbackUrl: string; linkUrl: string }> {
  const link = await createLink(rt, name);
  const callbackUrl = await consent(await openLink(link.url), choice);
  const res = await fetch(callbackUrl, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), callbackUrl, linkUrl: link.url };
}
