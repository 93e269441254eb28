/** Receiving TikTok's webhook (shared/webhooks/tiktok-receive.ts): signature first, then the event. */
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { overrideWebhookQueue, type WebhookMessage } from '../../shared/webhooks/queue.ts';
import { tiktokSignature, TIKTOK_SIGNATURE_TOLERANCE_SECONDS } from '../../shared/webhooks/tiktok.ts';
import { InvalidTikTokSignatureError, receiveTikTokWebhook, type TikTokWebhookDeps } from '../../shared/webhooks/tiktok-receive.ts';

const SECRET = 'client-secret';
const NOW_MS = 1_718_000_000_000;
const nowSeconds = NOW_MS / 1000;

/** A table with one TikTok user pointer: the datasource it names is revoked once. */
function fakeDeps(): TikTokWebhookDeps & { commands: unknown[] } {
  const commands: unknown[] = [];
  const dynamo = {
    send: async (command: unknown) => {
      commands.push(command);
      if (command instanceof QueryCommand) return { Items: [{ pk: 'TTUSER#open_1', sk: 'DS#tn_1#ds_1', tenantId: 'tn_1', datasourceId: 'ds_1' }] };
      if (command instanceof UpdateCommand) return { Attributes: { name: 'Shop', displayName: 'Shop TikTok' } };
      if (command instanceof DeleteCommand) return {};
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBDocumentClient;
  return { dynamo, tableName: 'table', now: () => NOW_MS, clientSecret: async () => SECRET, commands };
}

const removed = JSON.stringify({ client_key: 'ck', event: 'authorization.removed', create_time: nowSeconds, user_openid: 'open_1' });

let sent: WebhookMessage[];
beforeEach(() => {
  sent = [];
  overrideWebhookQueue({ send: async (message) => void sent.push(message), deadLetter: async () => undefined });
});
afterEach(() => overrideWebhookQueue(undefined));

describe('receiveTikTokWebhook', () => {
  it.each([
    ['missing', undefined],
    ['malformed', 't=abc,s=zz'],
    ['mismatch', tiktokSignature('not-the-secret', nowSeconds, removed)],
    ['stale', tiktokSignature(SECRET, nowSeconds - TIKTOK_SIGNATURE_TOLERANCE_SECONDS - 1, removed)],
  ])('refuses a %s signature with 401 naming the header, touching nothing', async (reason, signature) => {
    const deps = fakeDeps();
    const err = await receiveTikTokWebhook(deps, { signature, rawBody: removed, body: JSON.parse(removed) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidTikTokSignatureError);
    expect(err).toMatchObject({ kind: 'unauthorized', code: 'invalid_signature', field: 'TikTok-Signature', reason });
    expect(deps.commands).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('checks the signature over the raw body, not a re-serialised one', async () => {
    const spaced = removed.replace(/,/g, ', ');
    const err = await receiveTikTokWebhook(fakeDeps(), { signature: tiktokSignature(SECRET, nowSeconds, removed), rawBody: spaced, body: JSON.parse(spaced) }).catch((e: unknown) => e);
    expect(err).toMatchObject({ reason: 'mismatch' });
  });

  it('authorization.removed revokes the datasources of that user and sends datasource.revoked', async () => {
    const deps = fakeDeps();
    const answer = await receiveTikTokWebhook(deps, { signature: tiktokSignature(SECRET, nowSeconds, removed), rawBody: removed, body: JSON.parse(removed) });
    expect(answer).toEqual({ received: true, revoked: 1 });
    expect(deps.commands.map((c) => (c as object).constructor.name)).toEqual(['QueryCommand', 'UpdateCommand', 'DeleteCommand']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'event',
      tenantId: 'tn_1',
      event: { type: 'datasource.revoked', data: { reason: 'removed_at_tiktok', datasource: { id: 'ds_1', name: 'Shop', displayName: 'Shop TikTok', openId: 'open_1' } } },
    });
  });

  it('acknowledges any other event without acting on it', async () => {
    const deps = fakeDeps();
    const other = JSON.stringify({ event: 'video.publish.complete', create_time: nowSeconds });
    const answer = await receiveTikTokWebhook(deps, { signature: tiktokSignature(SECRET, nowSeconds, other), rawBody: other, body: JSON.parse(other) });
    expect(answer).toEqual({ received: true });
    expect(deps.commands).toEqual([]);
    expect(sent).toEqual([]);
  });
});
