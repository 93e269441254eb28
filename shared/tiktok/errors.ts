/**
 * TikTokError: every failure of a TikTok call, typed by `kind` so callers decide (refresh, re-authorize,
 * back off, answer 502/504) without parsing messages. TikTok's `log_id` is kept: support asks for it.
 * Messages never carry a token, code, verifier or the client secret: the values the client sent are
 * scrubbed from whatever TikTok echoes, and token-shaped strings are masked as the logger does.
 */
import { redactSecrets } from '../logger.ts';

export type TikTokErrorKind =
  | 'token_invalid'
  | 'scope_not_authorized'
  | 'scope_permission_missed'
  | 'rate_limited'
  | 'invalid_params'
  | 'invalid_grant'
  | 'oauth_error'
  | 'upstream'
  | 'timeout';

export interface TikTokErrorInit {
  kind: TikTokErrorKind;
  endpoint: string;
  /** TikTok's code: Display `error.code`, OAuth `error`, or ours (`timeout`, `network_error`, `malformed_response`, `http_<status>`). */
  tiktokCode: string;
  httpStatus?: number;
  logId?: string;
  retryAfterSeconds?: number;
  /** Text from TikTok (already scrubbed) or ours. */
  detail?: string;
  cause?: unknown;
}

export class TikTokError extends Error {
  readonly kind: TikTokErrorKind;
  readonly tiktokCode: string;
  readonly httpStatus?: number;
  readonly logId?: string;
  readonly retryAfterSeconds?: number;
  readonly endpoint: string;

  constructor(init: TikTokErrorInit) {
    const status = init.httpStatus === undefined ? '' : ` (HTTP ${init.httpStatus})`;
    const detail = init.detail ? `: ${init.detail}` : '';
    const logId = init.logId ? ` [log_id ${init.logId}]` : '';
    super(`TikTok ${init.endpoint} failed with ${init.tiktokCode}${status}${detail}${logId}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TikTokError';
    this.kind = init.kind;
    this.tiktokCode = init.tiktokCode;
    this.httpStatus = init.httpStatus;
    this.logId = init.logId;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.endpoint = init.endpoint;
  }
}

export function isTikTokError(error: unknown, kind?: TikTokErrorKind): error is TikTokError {
  return error instanceof TikTokError && (kind === undefined || error.kind === kind);
}

const DISPLAY_KINDS: Readonly<Record<string, TikTokErrorKind>> = {
  access_token_invalid: 'token_invalid',
  scope_not_authorized: 'scope_not_authorized',
  scope_permission_missed: 'scope_permission_missed',
  invalid_params: 'invalid_params',
  rate_limit_exceeded: 'rate_limited',
  internal_error: 'upstream',
};

/** Display API `error.code` (docs/tiktok.md §4.1) → kind; unknown codes fall back on the HTTP status. */
export function displayErrorKind(code: string, httpStatus: number): TikTokErrorKind {
  return DISPLAY_KINDS[code] ?? statusKind(httpStatus);
}

/** OAuth `error` (docs/tiktok.md §2.4) → kind. Only a spent/bad grant is `invalid_grant`: it means "re-authorize". */
export function oauthErrorKind(error: string, httpStatus: number): TikTokErrorKind {
  if (error === 'invalid_grant') return 'invalid_grant';
  if (error === 'rate_limit_exceeded' || httpStatus === 429) return 'rate_limited';
  if (httpStatus >= 500) return 'upstream';
  return 'oauth_error';
}

/** For bodies without a recognisable error: 429 is a rate limit, anything else is TikTok misbehaving. */
export function statusKind(httpStatus: number): TikTokErrorKind {
  return httpStatus === 429 ? 'rate_limited' : 'upstream';
}

const MAX_DETAIL = 300;

/** Removes the given secret values and token-shaped strings from text TikTok sent back; bounds its length. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets.filter((s) => s.length >= 4)) {
    // Also as it travelled in a query or form body, in case TikTok echoes the encoded request.
    const forms = new Set([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2)]);
    for (const form of forms) out = out.split(form).join('[REDACTED]');
  }
  out = String(redactSecrets('', out));
  return out.length > MAX_DETAIL ? `${out.slice(0, MAX_DETAIL)}…` : out;
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date, made relative to `now`.
 * Returns undefined when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}
