/**
 * The governor as the TikTok client's call gate: each call is asked for on behalf of the current
 * work scope (work.ts). A call made outside any scope is governed as the app's own background work,
 * the most cautious lane, and logged once so the missing scope gets fixed.
 */
import { logger } from '../logger.ts';
import type { CallGate } from '../tiktok/index.ts';
import type { Governor } from './governor.ts';
import { currentWork, type Work } from './work.ts';

const UNSCOPED: Work = { tenantId: '_app', priority: 'background' };
let warned = false;

export function governedGate(governor: Governor): CallGate {
  return {
    async beforeSend(endpoint) {
      const work = currentWork();
      if (!work && !warned) {
        warned = true;
        logger.warn('TikTok call outside a work scope; governed as background', { endpoint });
      }
      const w = work ?? UNSCOPED;
      await governor.acquire({ endpoint, tenantId: w.tenantId, priority: w.priority, openId: w.openId, maxWaitMs: w.maxWaitMs, expectedCalls: w.expectedCalls?.[endpoint] });
    },
    async throttled(endpoint, retryAfterSeconds) {
      try {
        await governor.throttled(endpoint, currentWork()?.openId, retryAfterSeconds);
      } catch (error) {
        // The call's own answer (TikTok's 429) still goes to the caller; the back-off is best effort.
        logger.warn('Could not record the TikTok back-off', { endpoint, error: error as Error });
      }
    },
  };
}
