/**
 * THE run-outcome flow of background work: a scheduled run (shared/delivery), an export
 * (shared/exports) and a snapshot capture (shared/history) all decide here what a failed try
 * means; each only applies the decision to its own store and queue. Transport-neutral: no queue,
 * no table, no clock, only the error, the try and the settings.
 *
 *   quota-wait  no TikTok permit (QuotaExhaustedError; TikTok's own 429 where the flow says so):
 *               come back after `delaySeconds`, the try is not spent (docs/quota.md);
 *   retry       a transient failure with tries left: come back after a backoff;
 *   give-up     permanent, out of tries, or waited for quota too often: failed for good.
 *
 * Success (done) is not decided here: a try that did not fail is done.
 */
import { classifyFailure, retryDelaySeconds, type FailureClass, type RunError } from '../failure.ts';
import { QuotaExhaustedError } from '../quota/errors.ts';
import { isTikTokError } from '../tiktok/errors.ts';

export interface OutcomeSettings {
  /** What the error messages call the work ("The export"). */
  subject: string;
  /** Tries in all: the try numbered `maxAttempts` is the last. */
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** The queue's longest delay (SQS: 900 s); a longer wait is taken in several hops. */
  maxDelaySeconds: number;
  quotaWait: {
    /** TikTok's own 429 waits like no permit (true), or is a transient failure that spends a try (false). */
    tiktokRateLimit: boolean;
    /** Shortest wait: a full lane frees a few permits a second, coming back at once mostly meets it full. */
    floorSeconds: number;
    /** Up to this many seconds more, at random, so waiting work does not come back all at once. */
    jitterSeconds: number;
    /** Waits allowed before giving up (unset: no limit). */
    maxWaits?: number;
  };
}

export interface FailedTry {
  error: unknown;
  /** The try that failed, from 1. */
  attempt: number;
  /** Quota waits so far (for `quotaWait.maxWaits`). */
  waits?: number;
  /** Saving the progress failed after `error`: that store failure is the failure itself, never a wait. */
  saveError?: unknown;
}

export type RunDecision =
  | { kind: 'quota-wait'; delaySeconds: number }
  | { kind: 'retry'; delaySeconds: number; error: RunError; retryAfterSeconds?: number }
  | { kind: 'give-up'; error: RunError; retryable: boolean };

/** TikTok's 429 without a Retry-After: a minute, TikTok's rate-limit window. */
const DEFAULT_RATE_LIMIT_WAIT_S = 60;

/** The one call to the failure classification (shared/failure.ts), so it is re-pointed in one place. */
function classify(err: unknown): FailureClass {
  return classifyFailure(err);
}

/** Seconds to wait for quota when `err` means no permit (per the settings), else undefined. */
function quotaWaitAfter(err: unknown, settings: OutcomeSettings): number | undefined {
  if (err instanceof QuotaExhaustedError) return err.retryAfterSeconds;
  if (settings.quotaWait.tiktokRateLimit && isTikTokError(err, 'rate_limited')) return err.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_WAIT_S;
  return undefined;
}

export function decideAfterFailure(failed: FailedTry, settings: OutcomeSettings, random: () => number = Math.random): RunDecision {
  const { quotaWait } = settings;
  const after = failed.saveError === undefined ? quotaWaitAfter(failed.error, settings) : undefined;
  if (after !== undefined) {
    const waits = (failed.waits ?? 0) + 1;
    if (quotaWait.maxWaits !== undefined && waits > quotaWait.maxWaits) {
      return {
        kind: 'give-up',
        error: { code: 'quota_wait_exceeded', message: `${settings.subject} waited for TikTok quota ${quotaWait.maxWaits} times; the shared quota is too busy. Try again later.` },
        retryable: true,
      };
    }
    const jitter = quotaWait.jitterSeconds > 0 ? Math.floor(random() * quotaWait.jitterSeconds) : 0;
    return { kind: 'quota-wait', delaySeconds: Math.min(settings.maxDelaySeconds, Math.max(quotaWait.floorSeconds, Math.ceil(after)) + jitter) };
  }
  const failure = classify(failed.saveError ?? failed.error);
  if (!failure.retryable || failed.attempt >= settings.maxAttempts) return { kind: 'give-up', error: failure.error, retryable: failure.retryable };
  const delaySeconds = Math.min(settings.maxDelaySeconds, retryDelaySeconds(failed.attempt, settings, failure.retryAfterSeconds, random));
  return { kind: 'retry', delaySeconds, error: failure.error, ...(failure.retryAfterSeconds ? { retryAfterSeconds: failure.retryAfterSeconds } : {}) };
}
