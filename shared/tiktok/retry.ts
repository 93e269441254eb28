/**
 * When a TikTok call is tried again.
 *
 * Reads (user/info, video/list, video/query) are idempotent: they retry on 429, 5xx and network errors
 * with bounded, jittered exponential backoff, honouring Retry-After when TikTok sends one. A Retry-After
 * longer than `maxDelayMs` is not waited for: the rate_limited error goes up with `retryAfterSeconds`
 * so the API can answer 429 + Retry-After instead of holding a Lambda. Timeouts are not retried: the
 * caller's deadline (API Gateway's 29 s) is mostly spent by then.
 *
 * Token calls are not idempotent: a code is single-use and a refresh rotates the refresh token, so a
 * second attempt after TikTok processed the first gets `invalid_grant` and loses the datasource.
 * - code exchange: never retried;
 * - refresh and revoke: retried only on `connect_failed`, i.e. the socket never connected (DNS failure,
 *   connection refused/unreachable), which proves no byte of the request reached TikTok. A 429/5xx,
 *   a reset or a timeout could follow processing, so they are reported, not retried.
 *
 * p-retry runs the loop and the retry budget; its own delay is switched off (minTimeout 0) because it
 * cannot honour a per-response Retry-After, so the delay is computed and slept here in `shouldRetry`.
 */
import pRetry from 'p-retry';
import { TikTokError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt (0 = one attempt). */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ retries: 3, minDelayMs: 250, maxDelayMs: 4_000 });

export interface RetryEvent {
  endpoint: string;
  /** The attempt that failed, from 1. */
  attempt: number;
  delayMs: number;
  error: TikTokError;
}

export interface RetryDeps {
  policy: RetryPolicy;
  random: () => number;
  onRetry?: (event: RetryEvent) => void;
}

export type RetryRule = (error: TikTokError) => boolean;

/** Reads: throttled, TikTok-side failures (5xx or `internal_error`) and network errors. */
export const retryRead: RetryRule = (e) =>
  e.kind === 'rate_limited' || (e.kind === 'upstream' && (e.httpStatus === undefined || e.httpStatus >= 500));

/** Refresh/revoke: only when the request certainly never reached TikTok. */
export const retryBeforeSend: RetryRule = (e) => e.tiktokCode === 'connect_failed';

export const neverRetry: RetryRule = () => false;

/**
 * Delay before retry number `retryIndex` (0-based): uniform in [c/2, c] with c = min(max, min*2^(n+1)),
 * so it grows exponentially, stays within [minDelayMs, maxDelayMs] and spreads concurrent callers.
 */
export function backoffDelayMs(retryIndex: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** (retryIndex + 1));
  return Math.max(policy.minDelayMs, Math.round(ceiling / 2 + (random() * ceiling) / 2));
}

/** The wait before the next attempt, or undefined when TikTok asks for longer than the policy allows. */
export function retryDelayMs(error: TikTokError, retryIndex: number, policy: RetryPolicy, random: () => number): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, backoffDelayMs(retryIndex, policy, random));
  if (error.retryAfterSeconds === undefined) return backoff;
  const asked = error.retryAfterSeconds * 1000;
  return asked > policy.maxDelayMs ? undefined : Math.max(asked, backoff);
}

export async function withRetry<T>(attempt: () => Promise<T>, rule: RetryRule, deps: RetryDeps): Promise<T> {
  return pRetry(attempt, {
    retries: deps.policy.retries,
    minTimeout: 0,
    factor: 1,
    shouldRetry: async ({ error, attemptNumber, retriesConsumed }) => {
      if (!(error instanceof TikTokError) || !rule(error)) return false;
      const delayMs = retryDelayMs(error, retriesConsumed, deps.policy, deps.random);
      if (delayMs === undefined) return false;
      deps.onRetry?.({ endpoint: error.endpoint, attempt: attemptNumber, delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return true;
    },
  });
}
