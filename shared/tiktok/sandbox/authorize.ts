/**
 * `/v2/auth/authorize/`: GET validates the request and shows the consent page; the page POSTs back
 * to the same URL, which redirects to redirect_uri with `code`, `scopes`, `state` (approve) or
 * `error=access_denied` (deny). A request that cannot be trusted to redirect (bad client_key,
 * redirect_uri, …) gets TikTok's HTML error page with status 400 instead.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isScope, parseCommaList } from '../fields.ts';
import { isRedirectUri } from '../oauth.ts';
import { isPkceChallenge } from '../pkce.ts';
import { mediaType, readBody, redirect, sendHtml } from './http.ts';
import { consentPage, errorPage } from './pages.ts';
import type { SandboxState } from './state.ts';

interface AuthorizeRequest {
  scopes: string[];
  redirectUri: string;
  state: string;
  codeChallenge?: string;
}

type Param = (name: string) => string | null;
type Checked = { ok: true; request: AuthorizeRequest } | { ok: false; param: string; reason: string };

function validate(get: Param, clientKey: string): Checked {
  const fail = (param: string, reason: string): Checked => ({ ok: false, param, reason });
  if (get('client_key') !== clientKey) return fail('client_key', 'The client_key is missing or not registered.');
  const redirectUri = get('redirect_uri') ?? '';
  if (!isRedirectUri(redirectUri) || redirectUri.length >= 512) {
    return fail('redirect_uri', 'The redirect_uri must be an absolute URL without a fragment.');
  }
  if (get('response_type') !== 'code') return fail('response_type', 'The response_type must be "code".');
  const scopes = parseCommaList(get('scope') ?? '');
  if (scopes.length === 0 || !scopes.every(isScope)) return fail('scope', 'The scope must list known scopes, comma-separated.');
  const state = get('state');
  if (!state) return fail('state', 'The state parameter is required.');
  const codeChallenge = get('code_challenge') || undefined;
  const method = get('code_challenge_method') || undefined;
  if (codeChallenge !== undefined && !isPkceChallenge(codeChallenge)) return fail('code_challenge', 'The code_challenge is malformed.');
  if ((codeChallenge !== undefined || method !== undefined) && method !== 'S256') {
    return fail('code_challenge_method', 'The code_challenge_method must be S256 with a code_challenge.');
  }
  return { ok: true, request: { scopes: [...new Set(scopes)], redirectUri, state, codeChallenge } };
}

export async function handleAuthorize(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === 'GET') {
    const query = new URL(req.url ?? '/', 'http://sandbox').searchParams;
    const checked = validate((n) => query.get(n), s.clientKey);
    if (!checked.ok) return sendHtml(res, 400, errorPage(checked.param, checked.reason));
    return sendHtml(res, 200, consentPage(view(s, checked.request)));
  }
  if (req.method !== 'POST') return sendHtml(res, 405, errorPage('method', 'Use GET to open the authorization page.'));
  if (mediaType(req) !== 'application/x-www-form-urlencoded') return sendHtml(res, 400, errorPage('form', 'The consent form was not submitted.'));
  const form = new URLSearchParams(await readBody(req));
  // The checkboxes are named `scope`; the original request's scope travels as `requested_scopes`.
  const checked = validate((n) => form.get(n === 'scope' ? 'requested_scopes' : n), s.clientKey);
  if (!checked.ok) return sendHtml(res, 400, errorPage(checked.param, checked.reason));
  const request = checked.request;
  const target = new URL(request.redirectUri);

  if (form.get('decision') === 'deny') {
    target.searchParams.set('error', 'access_denied');
    target.searchParams.set('error_description', 'The user denied the authorization request.');
    target.searchParams.set('state', request.state);
    return redirect(res, target.toString());
  }
  if (form.get('decision') !== 'approve') return sendHtml(res, 400, errorPage('decision', 'Choose Approve or Deny.'));
  const account = s.account(form.get('account') ?? '');
  if (!account) return sendHtml(res, 400, errorPage('account', 'Choose one of the listed accounts.'));
  const granted = form.getAll('scope');
  if (!granted.every((scope) => request.scopes.includes(scope))) {
    return sendHtml(res, 400, errorPage('scope', 'Only requested scopes can be granted.'));
  }
  if (granted.length === 0) return sendHtml(res, 400, consentPage({ ...view(s, request), notice: 'Select at least one permission to approve.' }));

  const scopes = request.scopes.filter((scope) => granted.includes(scope));
  const code = s.tokens.issueCode({
    openId: account.user.open_id,
    clientKey: s.clientKey,
    redirectUri: request.redirectUri,
    scopes,
    challenge: request.codeChallenge,
  });
  target.searchParams.set('code', code);
  target.searchParams.set('scopes', scopes.join(','));
  target.searchParams.set('state', request.state);
  return redirect(res, target.toString());
}

function view(s: SandboxState, r: AuthorizeRequest) {
  const hidden: Record<string, string> = {
    client_key: s.clientKey,
    response_type: 'code',
    requested_scopes: r.scopes.join(','),
    redirect_uri: r.redirectUri,
    state: r.state,
  };
  if (r.codeChallenge) {
    hidden.code_challenge = r.codeChallenge;
    hidden.code_challenge_method = 'S256';
  }
  return { appName: s.appName, hidden, requestedScopes: r.scopes, accounts: s.accounts };
}
