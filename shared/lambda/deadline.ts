/**
 * Invocation deadlines: every handler that works in a loop (report paging, exports, captures, the
 * dispatcher) stops starting work a reserve before Lambda would cut it off, and checks one way.
 */
import type { Context } from 'aws-lambda';

export interface DeadlineOptions {
  /** At most this much of the remaining time counts (API Gateway answers 504 after 29 s whatever Lambda allows). */
  capMs?: number;
  /** The clock the deadline is compared on. Default: wall time (Lambda's remaining time is wall time). */
  now?: number;
}

/**
 * Epoch ms by which to stop starting work: the invocation's remaining time, capped, less `reserveMs`
 * (never before now). Undefined when the context does not know its remaining time (local callers).
 */
export function invocationDeadline(
  context: Pick<Context, 'getRemainingTimeInMillis'> | undefined,
  reserveMs: number,
  options: DeadlineOptions = {},
): number | undefined {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (typeof remaining !== 'number' || !Number.isFinite(remaining)) return undefined;
  return (options.now ?? Date.now()) + Math.max(0, Math.min(remaining, options.capMs ?? Number.POSITIVE_INFINITY) - reserveMs);
}

/** Whether a deadline (wall-clock epoch ms) has come; no deadline never passes. */
export function deadlinePassed(deadline: number | undefined): boolean {
  return deadline !== undefined && Date.now() >= deadline;
}
