/**
 * Receiving TikTok's webhook (docs/webhooks.md "TikTok's webhook"): the signature over the raw body
 * first, then the event. `authorization.removed` revokes that user's datasources; any other event is
 * acknowledged and ignored, as TikTok asks (it retries anything but a 200).
 */
import { AppError } from '../errors.ts';
import { logger } from '../logger.ts';
import type { StoreDeps } from './store.ts';
import { handleAuthorizationRemoved, verifyTikTokSignature, type SignatureVerdict, type TikTokWebhookBody } from './tiktok.ts';

export interface TikTokWebhookDeps extends StoreDeps {
  now(): number;
  /** The app's client secret: TikTok signs with it. */
  clientSecret(): Promise<string>;
}

export interface TikTokWebhookDelivery {
  /** The TikTok-Signature header. */
  signature: string | undefined;
  /** The body exactly as sent: the signature covers these bytes, not a re-serialised body. */
  rawBody: string;
  body: TikTokWebhookBody;
}

export type TikTokWebhookAnswer = { received: true; revoked?: number };

const REFUSALS: Record<Exclude<SignatureVerdict, { ok: true }>['reason'], string> = {
  missing: 'missing',
  malformed: 'not valid',
  mismatch: 'not valid',
  stale: 'outside the accepted time window',
};

/** 401: a missing, forged or stale TikTok-Signature. */
export class InvalidTikTokSignatureError extends AppError {
  constructor(readonly reason: keyof typeof REFUSALS) {
    super('unauthorized', 'invalid_signature', `The TikTok-Signature header is ${REFUSALS[reason]}.`, { field: 'TikTok-Signature' });
    this.name = 'InvalidTikTokSignatureError';
  }
}

export async function receiveTikTokWebhook(deps: TikTokWebhookDeps, delivery: TikTokWebhookDelivery): Promise<TikTokWebhookAnswer> {
  const verdict = verifyTikTokSignature(await deps.clientSecret(), delivery.signature, delivery.rawBody, deps.now());
  if (!verdict.ok) {
    logger.warn('TikTok webhook refused', { reason: verdict.reason });
    throw new InvalidTikTokSignatureError(verdict.reason);
  }
  const { event, user_openid: openId, create_time: createTime } = delivery.body;
  if (event === 'authorization.removed' && openId !== undefined) {
    return { received: true, revoked: await handleAuthorizationRemoved(deps, openId, createTime ?? 0) };
  }
  logger.info('TikTok webhook event ignored', { event: String(event).slice(0, 64) });
  return { received: true };
}
