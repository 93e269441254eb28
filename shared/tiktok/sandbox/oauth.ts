/**
 * `/v2/oauth/token/` and `/v2/oauth/revoke/`: form-urlencoded in, flat JSON out, errors as
 * `{error, error_description, log_id}` with RFC 6749 statuses (400, 401 for invalid_client), since
 * TikTok documents none (docs/tiktok.md §2.4).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mediaType, readBody, sendJson } from './http.ts';
import type { SandboxState } from './state.ts';
import { isFailure, type OAuthFailure } from './tokens.ts';

export function sendOAuthError(s: SandboxState, res: ServerResponse, f: OAuthFailure, headers?: Record<string, string>): void {
  sendJson(res, f.status, { error: f.error, error_description: f.description, log_id: s.logId() }, headers);
}

const invalidRequest = (description: string): OAuthFailure => ({ error: 'invalid_request', description, status: 400 });

/** Method, content type and client authentication shared by both endpoints. */
async function readClientForm(s: SandboxState, req: IncomingMessage): Promise<URLSearchParams | OAuthFailure> {
  if (req.method !== 'POST') return { ...invalidRequest('Use POST.'), status: 405 };
  if (mediaType(req) !== 'application/x-www-form-urlencoded') {
    return invalidRequest('Content-Type must be application/x-www-form-urlencoded.');
  }
  const form = new URLSearchParams(await readBody(req));
  if (form.get('client_key') !== s.clientKey || form.get('client_secret') !== s.clientSecret) {
    return { error: 'invalid_client', description: 'Client key or secret is invalid.', status: 401 };
  }
  return form;
}

export async function handleToken(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readClientForm(s, req);
  if (!(form instanceof URLSearchParams)) return sendOAuthError(s, res, form);
  const grantType = form.get('grant_type');
  let result;
  if (grantType === 'authorization_code') {
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    if (!code || !redirectUri) return sendOAuthError(s, res, invalidRequest('code and redirect_uri are required.'));
    result = s.tokens.exchangeCode({ clientKey: s.clientKey, code, redirectUri, codeVerifier: form.get('code_verifier') ?? undefined });
  } else if (grantType === 'refresh_token') {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return sendOAuthError(s, res, invalidRequest('refresh_token is required.'));
    result = s.tokens.refreshGrant(refreshToken);
  } else {
    // client_credentials exists at TikTok but is not usable with the Display API (docs/tiktok.md §2.6).
    return sendOAuthError(s, res, { error: 'unsupported_grant_type', description: 'The grant_type is not supported.', status: 400 });
  }
  if (isFailure(result)) return sendOAuthError(s, res, result);
  sendJson(res, 200, result);
}

export async function handleRevoke(s: SandboxState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const form = await readClientForm(s, req);
  if (!(form instanceof URLSearchParams)) return sendOAuthError(s, res, form);
  const token = form.get('token');
  if (!token) return sendOAuthError(s, res, invalidRequest('token is required.'));
  s.tokens.revoke(token);
  sendJson(res, 200, {});
}
