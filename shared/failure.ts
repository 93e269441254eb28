/**
 * Is a failed run worth another try? Errors are first made AppErrors the way the API makes them
 * (shared/error-translation.ts: TikTok, Cloud9QL and quota errors get a kind and the contract's code),
 * then the AppError's `retryable` decides: rate limits, TikTok failures and timeouts, a busy token
 * refresh are transient; an invalid stored request, a missing scope, a datasource gone, needs_reauth
 * or a bad Cloud9QL query are permanent: trying again cannot help. Anything that is no AppError
 * (S3, DynamoDB, network) is transient. No HTTP status is involved (docs/architecture.md "Errors").
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
    return {
      retryable: app.retryable,
      error: { code: app.code, message: safeMessage(app.message) },
      ...(app.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: app.retryAfterSeconds }),
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
