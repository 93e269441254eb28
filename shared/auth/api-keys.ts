/**
 * API keys: 256-bit random secrets shown once, stored only as SHA-256 hashes. A key item maps
 * hash -> tenant, so resolving a request costs one GetItem; the tenant keeps a `KEY#<keyId>` item
 * per key so keys can be listed, rotated and revoked without ever storing the key itself.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unlessConditionFails } from '../store/conditional-write.ts';
import { keys, type ClockedTableDeps } from '../store/table.ts';

const KEY_PREFIX = 'tkc_';

export interface ApiKeyRecord {
  tenantId: string;
  keyId: string;
  createdAt: string;
  revokedAt?: string;
}

export interface TenantKeySummary extends ApiKeyRecord {
  /** First characters of the hash, enough to tell keys apart in a listing. */
  hashPrefix: string;
}

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(32).toString('base64url');
}

export function newTenantId(): string {
  return `tn_${randomUUID().replace(/-/g, '')}`;
}

/** Creates the tenant item if missing (idempotent). */
export async function ensureTenant(deps: ClockedTableDeps, tenantId: string, name: string): Promise<void> {
  await unlessConditionFails(
    deps.dynamo.send(
      new PutCommand({
        TableName: deps.tableName,
        Item: { ...keys.tenant(tenantId), type: 'tenant', tenantId, name, createdAt: new Date(deps.now()).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    ),
  );
}

/** Stores a key's hash for a tenant. Pass `apiKey` to register a known key (DEV_API_KEY); otherwise one is generated. */
export async function storeApiKey(
  deps: ClockedTableDeps,
  tenantId: string,
  apiKey: string = generateApiKey(),
): Promise<{ apiKey: string; keyId: string }> {
  const keyHash = hashApiKey(apiKey);
  const existing = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: keys.apiKey(keyHash) }));
  if (existing.Item) {
    if (existing.Item.tenantId !== tenantId) throw new Error('This API key already belongs to another tenant.');
    return { apiKey, keyId: String(existing.Item.keyId) };
  }
  const keyId = `key_${randomUUID().slice(0, 8)}`;
  const createdAt = new Date(deps.now()).toISOString();
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: { ...keys.apiKey(keyHash), type: 'apiKey', tenantId, keyId, createdAt },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: { ...keys.tenantKey(tenantId, keyId), type: 'tenantKey', tenantId, keyId, keyHash, createdAt },
    }),
  );
  return { apiKey, keyId };
}

/** The tenant a key belongs to, or undefined for an unknown or revoked key. One GetItem. */
export async function resolveApiKey(deps: ClockedTableDeps, apiKey: string): Promise<ApiKeyRecord | undefined> {
  if (!apiKey || apiKey.length > 200) return undefined;
  const res = await deps.dynamo.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.apiKey(hashApiKey(apiKey)), ConsistentRead: true }),
  );
  const item = res.Item;
  if (!item || item.revokedAt) return undefined;
  return { tenantId: String(item.tenantId), keyId: String(item.keyId), createdAt: String(item.createdAt) };
}

export async function listTenantKeys(deps: ClockedTableDeps, tenantId: string): Promise<TenantKeySummary[]> {
  const res = await deps.dynamo.send(
    new QueryCommand({
      TableName: deps.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': keys.tenant(tenantId).pk, ':sk': 'KEY#' },
    }),
  );
  return (res.Items ?? []).map((i) => ({
    tenantId,
    keyId: String(i.keyId),
    createdAt: String(i.createdAt),
    revokedAt: i.revokedAt ? String(i.revokedAt) : undefined,
    hashPrefix: String(i.keyHash).slice(0, 12),
  }));
}

/** Revokes one key of a tenant. Marks both items; the hash item is what requests check. */
export async function revokeApiKey(deps: ClockedTableDeps, tenantId: string, keyId: string): Promise<boolean> {
  const tenantKey = await deps.dynamo.send(
    new GetCommand({ TableName: deps.tableName, Key: keys.tenantKey(tenantId, keyId) }),
  );
  if (!tenantKey.Item) return false;
  const revokedAt = new Date(deps.now()).toISOString();
  await deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.apiKey(String(tenantKey.Item.keyHash)),
      UpdateExpression: 'SET revokedAt = :r',
      ConditionExpression: 'tenantId = :t',
      ExpressionAttributeValues: { ':r': revokedAt, ':t': tenantId },
    }),
  );
  await deps.dynamo.send(
    new UpdateCommand({
      TableName: deps.tableName,
      Key: keys.tenantKey(tenantId, keyId),
      UpdateExpression: 'SET revokedAt = :r',
      ExpressionAttributeValues: { ':r': revokedAt },
    }),
  );
  return true;
}
