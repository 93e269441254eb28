/**
 * Errors of the quota governor (docs/quota.md). Background work checks them with `instanceof` and
 * waits (a message delay) instead of counting a failed attempt; shared/error-translation.ts makes
 * them the contract's `quota_exhausted` (kind `rate_limited`) for the API.
 */

export type Priority = 'interactive' | 'scheduled' | 'background';

/**
 * No permit for this TikTok endpoint within the caller's wait budget. TikTok was not called.
 * Interactive callers answer `quota_exhausted` (HTTP 429 with Retry-After); scheduled and background
 * work re-queues itself `retryAfterSeconds` later without spending an attempt.
 */
export class QuotaExhaustedError extends Error {
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
    super(`No TikTok call could be made on ${init.endpoint}: ${why}. Retry in ${retryAfterSeconds} s.`);
    this.name = 'QuotaExhaustedError';
    this.endpoint = init.endpoint;
    this.priority = init.priority;
    this.retryAfterSeconds = retryAfterSeconds;
    this.reason = init.reason;
  }
}
