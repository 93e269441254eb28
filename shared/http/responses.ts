/** Response builders: every handler answers through these, so headers are uniform. */
import { ResponseTooLargeError } from '../errors.ts';
import type { ApiResult } from './request.ts';

/** AWS Lambda's synchronous response payload limit (6 MB), which API Gateway cannot exceed either. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

/**
 * Throws ResponseTooLargeError (413) for a result whose serialised Lambda payload (JSON: escaped body
 * plus headers) is over MAX_RESPONSE_BYTES; Lambda would otherwise fail the invocation and the caller see a 500.
 * `exportPath` (reports): the export route the error points to, for the full result as a file.
 */
export function assertFitsResponse(result: ApiResult, limitBytes = MAX_RESPONSE_BYTES, exportPath?: string): ApiResult {
  // Cheap first: the body alone in UTF-8 is at most 3 bytes a character, and escaping adds at most 6.
  if ((result.body?.length ?? 0) * 6 + 4096 < limitBytes) return result;
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size > limitBytes) throw new ResponseTooLargeError(size, limitBytes, exportPath);
  return result;
}

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
