/**
 * Errors of the quota governor (docs/quota.md). Both are AppErrors so the HTTP edge answers them
 * as it answers every other typed error; background work checks them with `instanceof` and waits
 * (a message delay) instead of counting a failed attempt.
 */
import { AppError } from '../errors.ts';

export type Priority = 'interactive' | 'scheduled' | 'background';

/**
 * No permit for this TikTok endpoint within the caller's wait budget. TikTok was not called.
 * Interactive callers answer 429 `quota_exhausted` with Retry-After; scheduled and background
 * work re-queues itself `retryAfterSeconds` later without spending an attempt.
 */
export class QuotaExhaustedError extends AppError {
  readonly endpoint: string;
  readonly priority: Priority;
  readonly retryAfterSeconds: number;
  /** Why no permit: the endpoint's window is full, this tenant used its fair share, or TikTok asked us to back off. */
  readonly reason: 'window_full' | 'tenant_share' | 'backoff';

  constructor(init: { endpoint: string; priority: Priority; retryAfterSeconds: number; reason: QuotaExhaustedError['reason'] }) {
    const retryAfterSeconds = Math.max(1, Math.ceil(init.retryAfterSeconds));
    const why =
      init.reason === 'tenant_share'
        ? 'this tenant has used its fair share of the shared TikTok quota for the current minute'
        : init.reason === 'backoff'
          ? 'TikTok asked the service to slow down'
          : 'the shared TikTok quota for the current minute is used up';
    super(429, 'quota_exhausted', `No TikTok call could be made on ${init.endpoint}: ${why}. Retry in ${retryAfterSeconds} s.`, {
      headers: { 'retry-after': String(retryAfterSeconds) },
      details: { endpoint: init.endpoint, retryAfterSeconds, reason: init.reason },
    });
    this.name = 'QuotaExhaustedError';
    this.endpoint = init.endpoint;
    this.priority = init.priority;
    this.retryAfterSeconds = retryAfterSeconds;
    this.reason = init.reason;
  }
}
