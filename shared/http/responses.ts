/** Response builders: every handler answers through these, so headers are uniform. */
import type { ApiResult } from './request.ts';

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

export function text(statusCode: number, body: string, contentType: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': contentType, ...SECURITY_HEADERS, ...headers }, body };
}

/** HTML pages (OAuth results): no scripts allowed, framing denied. */
export function html(statusCode: number, body: string, headers: Record<string, string> = {}): ApiResult {
  return text(statusCode, body, 'text/html; charset=utf-8', {
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
}

export function noContent(headers: Record<string, string> = {}): ApiResult {
  return { statusCode: 204, headers: { ...SECURITY_HEADERS, ...headers } };
}

export function redirect(location: string, statusCode = 302): ApiResult {
  return { statusCode, headers: { location, ...SECURITY_HEADERS, 'referrer-policy': 'no-referrer' } };
}
