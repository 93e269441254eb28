/**
 * Domain errors from modules that know nothing about HTTP (Cloud9QL, the TikTok client) are
 * translated here, in one place, into AppErrors with the status and code of the API contract
 * (docs/architecture.md "Errors"). Matching is by error name so those modules stay free of HTTP imports.
 */
import { AppError } from './errors.ts';

interface Cloud9QLLike extends Error {
  line?: number;
  column?: number;
  code?: string;
}

interface TikTokLike extends Error {
  kind: string;
  logId?: string;
  retryAfterSeconds?: number;
  tiktokCode?: string;
}

export function translateError(err: unknown): AppError | undefined {
  if (!(err instanceof Error)) return undefined;
  // Checked before the AppError pass-through: shared/cloud9ql's error is itself an AppError whose code
  // is the engine's reason (syntax_error, ...); the API answers one code with the field and position.
  if (err.name === 'Cloud9QLError') {
    const e = err as Cloud9QLLike;
    return new AppError(422, 'cloud9ql_error', e.message, {
      field: 'cloud9ql',
      details: { line: e.line, column: e.column, ...(e.code ? { reason: e.code } : {}) },
    });
  }
  if (err instanceof AppError) return err;
  if (err.name === 'TikTokError') return translateTikTokError(err as TikTokLike);
  return undefined;
}

function translateTikTokError(e: TikTokLike): AppError {
  const details = { ...(e.logId ? { tiktokLogId: e.logId } : {}), ...(e.tiktokCode ? { tiktokCode: e.tiktokCode } : {}) };
  switch (e.kind) {
    case 'rate_limited': {
      const retryAfter = Math.max(1, Math.ceil(e.retryAfterSeconds ?? 60));
      return new AppError(429, 'tiktok_rate_limited', `TikTok rate limit reached; retry after ${retryAfter} seconds.`, {
        details: { ...details, retryAfterSeconds: retryAfter },
        headers: { 'retry-after': String(retryAfter) },
      });
    }
    case 'timeout':
      return new AppError(504, 'tiktok_timeout', 'TikTok did not answer in time.', { details });
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return new AppError(403, 'scope_not_granted', `TikTok refused: the account did not grant a scope these fields need (${e.message}).`, { details });
    case 'token_invalid':
    case 'invalid_grant':
      return new AppError(409, 'needs_reauth', 'The TikTok authorisation is no longer valid; re-connect the account with a new connect link.', {
        details,
      });
    case 'invalid_params':
      return new AppError(400, 'tiktok_invalid_params', `TikTok rejected the request parameters: ${e.message}`, { details });
    default:
      return new AppError(502, 'tiktok_error', 'TikTok answered with an error.', { details });
  }
}
