/**
 * Reading TikTok's two response shapes (docs/tiktok.md §5 "Two response shapes"):
 * - Display API: `{data, error:{code, message, log_id}}`, success only when `error.code == "ok"`;
 * - OAuth: flat JSON, failure detected by the `error` key (not the HTTP status, which TikTok does not document).
 * Anything else is `upstream` (malformed), never a silent success.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { TikTokError, displayErrorKind, oauthErrorKind, scrub, statusKind } from './errors.ts';
import type { HttpResult } from './http.ts';
import type { TokenResponse } from './types.ts';

const displayEnvelope = z.object({
  data: z.optional(z.record(z.string(), z.unknown())),
  error: z.object({ code: z.string(), message: z.optional(z.string()), log_id: z.optional(z.string()) }),
});

const oauthError = z.object({
  error: z.string().check(z.minLength(1)),
  error_description: z.optional(z.string()),
  log_id: z.optional(z.string()),
});

const tokenResponse = z.object({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.number().check(z.int(), z.positive()),
  open_id: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  refresh_expires_in: z.number().check(z.int(), z.positive()),
  scope: z.string(),
  token_type: z.string().check(z.minLength(1)),
});

const record = z.record(z.string(), z.unknown());

/** What `data` must hold on success, per endpoint; callers rely on these keys (paging reads cursor/has_more). */
export const DATA_SHAPES = {
  user: z.object({ user: record }),
  videoList: z.object({ videos: z.array(record), cursor: z.number(), has_more: z.boolean() }),
  videoQuery: z.object({ videos: z.array(record) }),
} as const;

/** Returns TikTok's JSON as-is on success (when `data` has the expected shape); throws the mapped TikTokError otherwise. */
export function readDisplay<T>(res: HttpResult, secrets: readonly string[], dataShape?: z.ZodMiniType): T {
  const parsed = displayEnvelope.safeParse(res.json);
  if (!parsed.success) throw malformed(res);
  const { code, message, log_id: logId } = parsed.data.error;
  if (code === 'ok' && res.status >= 200 && res.status < 300) {
    if (dataShape && !dataShape.safeParse(parsed.data.data).success) throw malformed(res);
    return res.json as T;
  }
  if (code === 'ok') throw malformed(res);
  throw new TikTokError({
    kind: displayErrorKind(code, res.status),
    endpoint: res.endpoint,
    tiktokCode: code,
    httpStatus: res.status,
    logId: logId || undefined,
    retryAfterSeconds: res.retryAfterSeconds,
    detail: message ? scrub(message, secrets) : undefined,
  });
}

/** Throws when the body carries an OAuth error (or no usable body); returns quietly otherwise. */
export function assertNoOAuthError(res: HttpResult, secrets: readonly string[]): void {
  const failed = oauthError.safeParse(res.json);
  if (failed.success) {
    const { error, error_description: description, log_id: logId } = failed.data;
    throw new TikTokError({
      kind: oauthErrorKind(error, res.status),
      endpoint: res.endpoint,
      tiktokCode: error,
      httpStatus: res.status,
      logId: logId || undefined,
      retryAfterSeconds: res.retryAfterSeconds,
      detail: description ? scrub(description, secrets) : undefined,
    });
  }
  // Some TikTok gateways answer token endpoints with the Display envelope (e.g. rate limiting).
  const envelope = displayEnvelope.safeParse(res.json);
  if (envelope.success && envelope.data.error.code !== 'ok') readDisplay(res, secrets);
  if (res.status < 200 || res.status >= 300) throw malformed(res);
}

export function readTokenResponse(res: HttpResult, secrets: readonly string[]): TokenResponse {
  assertNoOAuthError(res, secrets);
  const parsed = tokenResponse.safeParse(res.json);
  if (!parsed.success) throw malformed(res);
  return parsed.data;
}

function malformed(res: HttpResult): TikTokError {
  const ok = res.status >= 200 && res.status < 300;
  return new TikTokError({
    kind: ok ? 'upstream' : statusKind(res.status),
    endpoint: res.endpoint,
    tiktokCode: ok ? 'malformed_response' : `http_${res.status}`,
    httpStatus: res.status,
    retryAfterSeconds: res.retryAfterSeconds,
    detail: ok ? 'the response body is not the documented shape' : 'the response has no TikTok error body',
  });
}
