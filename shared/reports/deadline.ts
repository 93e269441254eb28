import type { Context } from 'aws-lambda';
import { invocationDeadline } from '../lambda/deadline.ts';

export { deadlinePassed } from '../lambda/deadline.ts';

/**
 * Time kept back from the Lambda's remaining time for Cloud9QL, rendering and the response, so a
 * paging report stops fetching before API Gateway's 29 s limit turns everything into a 504.
 */
export const RESPONSE_RESERVE_MS = 4_000;

/** API Gateway's own limit: the function may run longer (to finish a token refresh), the answer may not. */
export const API_GATEWAY_LIMIT_MS = 29_000;

/**
 * Wall-clock epoch ms (Date.now(), not the app clock, which tests may freeze or move) by which a
 * report should stop fetching; undefined when the context does not know its remaining time.
 */
export function requestDeadline(lambdaContext: Pick<Context, 'getRemainingTimeInMillis'> | undefined): number | undefined {
  return invocationDeadline(lambdaContext, RESPONSE_RESERVE_MS, { capMs: API_GATEWAY_LIMIT_MS });
}
