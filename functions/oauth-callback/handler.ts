import { oauthCallback } from '../../shared/api/operations/connect.ts';
import { callbackDeps, callbackPage, completeOAuthCallback, type CallbackOutcome } from '../../shared/connect/index.ts';
import { html, httpHandler } from '../../shared/http/index.ts';
import { logger } from '../../shared/logger.ts';

// A browser route: every outcome, including an internal failure, is an HTML page with its status.
export const handler = httpHandler(oauthCallback, async (req) => {
  let outcome: CallbackOutcome;
  try {
    outcome = await completeOAuthCallback(callbackDeps(), req.query);
  } catch (err) {
    logger.error('OAuth callback failed', { error: err as Error });
    outcome = { ok: false, status: 500, code: 'internal_error' };
  }
  return html(outcome.ok ? 200 : outcome.status, callbackPage(outcome));
});
