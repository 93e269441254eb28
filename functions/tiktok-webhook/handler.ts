/**
 * POST /v1/tiktok/webhook: TikTok's events for the app. Authenticated by TikTok-Signature (the app's
 * client secret), not an API key; answers 200 quickly for events it does not handle, as TikTok asks.
 */
import { tiktokWebhook } from '../../shared/api/operations/tiktok-webhook.ts';
import { tableAccess } from '../../shared/context.ts';
import { tiktokAppCredentials } from '../../shared/credentials/tiktok-app.ts';
import { AppError } from '../../shared/errors.ts';
import { httpHandler, json } from '../../shared/http/index.ts';
import { logger } from '../../shared/logger.ts';
import { handleAuthorizationRemoved, verifyTikTokSignature, type TikTokWebhookBody } from '../../shared/webhooks/tiktok.ts';

export const handler = httpHandler(tiktokWebhook, async (req) => {
  const raw = req.event.body === undefined ? '' : req.event.isBase64Encoded ? Buffer.from(req.event.body, 'base64').toString('utf8') : req.event.body;
  const deps = tableAccess();
  const { clientSecret } = await tiktokAppCredentials();
  const verdict = verifyTikTokSignature(clientSecret, req.headers['tiktok-signature'], raw, deps.now());
  if (!verdict.ok) {
    logger.warn('TikTok webhook refused', { reason: verdict.reason });
    throw new AppError('unauthorized', 'invalid_signature', `The TikTok-Signature header is ${verdict.reason === 'stale' ? 'outside the accepted time window' : verdict.reason === 'missing' ? 'missing' : 'not valid'}.`, {
      field: 'TikTok-Signature',
    });
  }
  const body = (req.body ?? {}) as TikTokWebhookBody;
  if (body.event === 'authorization.removed' && typeof body.user_openid === 'string' && body.user_openid.length <= 256) {
    const revoked = await handleAuthorizationRemoved(deps, body.user_openid, Number(body.create_time ?? 0));
    return json(200, { received: true, revoked });
  }
  logger.info('TikTok webhook event ignored', { event: String(body.event).slice(0, 64) });
  return json(200, { received: true });
});
