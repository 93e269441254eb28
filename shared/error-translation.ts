/**
 * The one place where the errors of modules that know nothing of the API contract (the Cloud9QL
 * engine, the TikTok client, the quota governor) become AppErrors: a kind, whether a retry can help,
 * and the contract's code (docs/architecture.md "Errors"). Transport-neutral: the HTTP edge
 * (shared/http/error-translation.ts) and the retry decisions (shared/failure.ts) both start here.
 */
import { Cloud9QLError } from './cloud9ql/errors.ts';
import { AppError } from './errors.ts';
import { QuotaExhaustedError } from './quota/errors.ts';
import { TikTokError } from './tiktok/errors.ts';

/** The AppError for `err`, or undefined for an error nobody typed (the API answers those 500). */
export function translateError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof Cloud9QLError) return cloud9qlAppError(err);
  if (err instanceof TikTokError) return tiktokAppError(err);
  if (err instanceof QuotaExhaustedError) {
    return new AppError('rate_limited', 'quota_exhausted', err.message, {
      details: { endpoint: err.endpoint, reason: err.reason },
      retryAfterSeconds: err.retryAfterSeconds,
    });
  }
  return undefined;
}

/** A Cloud9QL failure as the one contract code, naming the request member that held the query and the position. */
export function cloud9qlAppError(e: Cloud9QLError, field = 'cloud9ql'): AppError {
  return new AppError('unprocessable', 'cloud9ql_error', e.message, { field, details: { line: e.line, column: e.column, reason: e.code } });
}

function tiktokAppError(e: TikTokError): AppError {
  const details = { ...(e.logId ? { tiktokLogId: e.logId } : {}), ...(e.tiktokCode ? { tiktokCode: e.tiktokCode } : {}) };
  switch (e.kind) {
    case 'rate_limited': {
      const retryAfter = Math.max(1, Math.ceil(e.retryAfterSeconds ?? 60));
      return new AppError('rate_limited', 'tiktok_rate_limited', `TikTok rate limit reached; retry after ${retryAfter} seconds.`, { details, retryAfterSeconds: retryAfter });
    }
    case 'timeout':
      return new AppError('upstream_timeout', 'tiktok_timeout', 'TikTok did not answer in time.', { details });
    case 'scope_not_authorized':
    case 'scope_permission_missed':
      return new AppError('forbidden', 'scope_not_granted', `TikTok refused: the account did not grant a scope these fields need (${e.message}).`, { details });
    case 'token_invalid':
    case 'invalid_grant':
      return new AppError('conflict', 'needs_reauth', 'The TikTok authorisation is no longer valid; re-connect the account with a new connect link.', { details });
    case 'invalid_params':
      return new AppError('invalid', 'tiktok_invalid_params', `TikTok rejected the request parameters: ${e.message}`, { details });
    default:
      return new AppError('upstream', 'tiktok_error', 'TikTok answered with an error.', { details });
  }
}
