/**
 * Refreshes outlive the callers that gave up on them. A refresh rotates the refresh token at TikTok,
 * so one abandoned mid-call loses the account; a caller with a deadline (an API request) stops
 * waiting, but the refresh goes on and the invocation awaits it before it returns.
 *
 * Why the handler awaits instead of answering first: Lambda freezes the sandbox as soon as the
 * handler resolves (the response is sent then), and a frozen refresh is as lost as a killed one.
 * The trade-off: an API answer given up on (504) is sent only once the refresh settles, at most
 * TIKTOK_TOKEN_TIMEOUT_MS later; API Gateway may answer 504 itself first, while the function goes
 * on and stores the rotated tokens (its timeout is sized for it, shared/topology/functions.ts).
 *
 * Scoped per invocation (AsyncLocalStorage): the local runtime serves many requests in one process,
 * and one request never waits for another's refresh.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<Set<Promise<unknown>>>();

/** Runs `fn`, then waits for every refresh started or joined inside it, whatever `fn` did. */
export async function awaitingTokenRefreshes<T>(fn: () => Promise<T>): Promise<T> {
  const pending = new Set<Promise<unknown>>();
  try {
    return await storage.run(pending, fn);
  } finally {
    // A refresh's own failure is the refresher's to log; here it only must not be cut short.
    while (pending.size > 0) {
      const batch = [...pending];
      pending.clear();
      await Promise.allSettled(batch);
    }
  }
}

/** True when the current invocation will await refreshes, so a caller may stop waiting early. */
export function canOutliveCaller(): boolean {
  return storage.getStore() !== undefined;
}

/** Keeps `refresh` alive past the caller: the invocation awaits it before returning. */
export function trackRefresh(refresh: Promise<unknown>): void {
  const pending = storage.getStore();
  if (!pending) return;
  pending.add(refresh);
  refresh.then(
    () => pending.delete(refresh),
    () => pending.delete(refresh),
  );
}
