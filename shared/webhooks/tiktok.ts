/**
 * TikTok's own webhook (docs/webhooks.md "TikTok's webhook"): `TikTok-Signature: t=<unix>,s=<hex>`
 * where s = HMAC-SHA256(client secret, `${t}.${raw body}`); a timestamp outside the tolerance is
 * refused (replay). `authorization.removed`: every datasource of that TikTok user, in every tenant,
 * loses its tokens and says access was removed at TikTok; datasource.revoked goes out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { logger } from '../logger.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { StoreDeps } from './store.ts';
import { emitDatasourceEvent } from './emit.ts';

export const TIKTOK_SIGNATURE_TOLERANCE_SECONDS = 300;
export const REMOVED_REASON = 'Access was removed at TikTok (authorization.removed): the account owner removed the app. Re-connect with a new connect link.';

export function tiktokSignature(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},s=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex')}`;
}

export type SignatureVerdict = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function verifyTikTokSignature(secret: string, header: string | undefined, body: string, nowMs: number, toleranceSeconds = TIKTOK_SIGNATURE_TOLERANCE_SECONDS): SignatureVerdict {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const s = parts.s ?? '';
  if (!/^\d{1,12}$/.test(parts.t ?? '') || !/^[0-9a-f]{64}$/i.test(s)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(tiktokSignature(secret, t, body).split(',s=')[1]!, 'hex');
  const given = Buffer.from(s, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'mismatch' };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'stale' };
  return { ok: true };
}

/** TikTok's event body (members TikTok may add are let through, and ignored). */
export const tiktokWebhookBodySchema = z.looseObject({
  client_key: z.optional(z.string()),
  event: z.optional(z.string().check(z.maxLength(128))),
  create_time: z.optional(z.number()),
  user_openid: z.optional(z.string().check(z.maxLength(256))),
  content: z.optional(z.string().check(z.maxLength(4096))),
});

export type TikTokWebhookBody = z.output<typeof tiktokWebhookBodySchema>;

/** Forgets the tokens of every datasource of `openId`; returns how many it revoked. */
export async function handleAuthorizationRemoved(deps: StoreDeps & { now(): number }, openId: string, createTime: number): Promise<number> {
  const res = await deps.dynamo.send(
    new QueryCommand({ TableName: deps.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `TTUSER#${openId}` } }),
  );
  let revoked = 0;
  for (const item of res.Items ?? []) {
    const tenantId = String(item.tenantId);
    const datasourceId = String(item.datasourceId);
    const nowIso = new Date(deps.now()).toISOString();
    const updated = await unlessConditionFails(
      deps.dynamo.send(
        new UpdateCommand({
          TableName: deps.tableName,
          Key: { pk: `TENANT#${tenantId}`, sk: `DS#${datasourceId}` },
          // The version bump fences off a refresh in flight (as a DELETE does, shared/datasources/delete.ts).
          UpdateExpression:
            'SET #status = :revoked, statusReason = :reason, updatedAt = :now, tokenVersion = if_not_exists(tokenVersion, :zero) + :one REMOVE #tokens, gsi2pk, gsi2sk, leaseOwner, leaseUntil',
          ConditionExpression: 'attribute_exists(pk) AND openId = :openId AND #status <> :revoked',
          ExpressionAttributeNames: { '#status': 'status', '#tokens': 'tokens' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':reason': REMOVED_REASON, ':now': nowIso, ':zero': 0, ':one': 1, ':openId': openId },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    await deps.dynamo.send(new DeleteCommand({ TableName: deps.tableName, Key: { pk: String(item.pk), sk: String(item.sk) } }));
    if (!updated?.Attributes) continue;
    revoked += 1;
    const a = updated.Attributes;
    logger.info('TikTok authorization removed: tokens forgotten', { tenantId, datasourceId });
    await emitDatasourceEvent(
      'datasource.revoked',
      tenantId,
      { id: datasourceId, name: String(a.name ?? ''), displayName: typeof a.displayName === 'string' ? a.displayName : null, openId },
      ['removed_at_tiktok', createTime],
      { reason: 'removed_at_tiktok' },
      deps.now(),
    );
  }
  return revoked;
}
