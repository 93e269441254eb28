/**
 * Is a failed run worth another try? Errors are first translated the way the API translates them
 * (shared/error-translation.ts translateError: TikTok and Cloud9QL errors become AppErrors with the contract's
 * status), then: 429 and 5xx (TikTok rate limit, TikTok failure or timeout) are transient; every
 * other AppError (400 invalid stored request, 403 scope, 404 datasource gone, 409 needs_reauth,
 * 422 Cloud9QL) is permanent: trying again cannot help. Anything that is no AppError (S3, DynamoDB,
 * network) is transient.
 *
 * Shared by scheduled runs, exports (shared/delivery, shared/exports) and snapshot captures
 * (shared/history): it sits outside those folders so none of them imports another for it.
 */
import { translateError } from './error-translation.ts';
import { redactSecrets } from './logger.ts';

/** A failure as a run, export or capture records it (shared/schedules RunError has this shape). */
export interface RunError {
  code: string;
  message: string;
}

export interface FailureClass {
  retryable: boolean;
  error: RunError;
  /** From TikTok's Retry-After, when it sent one. */
  retryAfterSeconds?: number;
}

const MAX_MESSAGE = 500;

function safeMessage(text: string): string {
  const clean = String(redactSecrets('', text));
  return clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
}

export function classifyFailure(err: unknown): FailureClass {
  const app = translateError(err);
  if (app) {
    const retryAfter = app.details?.retryAfterSeconds;
    return {
      retryable: app.status === 429 || app.status >= 500,
      error: { code: app.code, message: safeMessage(app.message) },
      ...(typeof retryAfter === 'number' ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { retryable: true, error: { code: 'delivery_error', message: safeMessage(`${e.name}: ${e.message}`) } };
}

/** Backoff before try `attempt + 1`: base * 2^(attempt-1) with ±20 % jitter, capped; a longer Retry-After wins. */
export function retryDelaySeconds(
  attempt: number,
  settings: { retryBaseSeconds: number; retryMaxSeconds: number },
  retryAfterSeconds?: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(settings.retryMaxSeconds, settings.retryBaseSeconds * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random()));
  return Math.min(settings.retryMaxSeconds, Math.max(jittered, Math.ceil(retryAfterSeconds ?? 0)));
}
