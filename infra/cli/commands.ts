/**
 * Tenant and API key administration over shared/auth/api-keys.ts: keys are generated there,
 * printed once by the caller and stored only as hashes.
 */
import { GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  ensureTenant,
  listTenantKeys,
  newTenantId,
  revokeApiKey,
  storeApiKey,
  type TenantKeySummary,
} from '../../shared/auth/api-keys.ts';
import { getTenantRequestLimit, setTenantRequestLimit } from '../../shared/auth/rate-limit.ts';
import { keys, type ClockedTableDeps } from '../../shared/store/table.ts';

export type AdminDeps = ClockedTableDeps;

export interface Tenant {
  tenantId: string;
  name: string;
  createdAt: string;
}

export interface TenantWithKeys extends Tenant {
  keys: TenantKeySummary[];
}

export interface IssuedKey {
  tenantId: string;
  keyId: string;
  /** The only time the key exists outside the caller's hands. */
  apiKey: string;
}

export class AdminError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminError';
  }
}

export async function createTenant(deps: AdminDeps, name: string): Promise<IssuedKey & { name: string }> {
  const tenantId = newTenantId();
  await ensureTenant(deps, tenantId, name);
  const { apiKey, keyId } = await storeApiKey(deps, tenantId);
  return { tenantId, name, keyId, apiKey };
}

export async function getTenant(deps: AdminDeps, tenantId: string): Promise<Tenant | undefined> {
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: keys.tenant(tenantId), ConsistentRead: true }));
  if (!res.Item) return undefined;
  return { tenantId, name: String(res.Item.name ?? ''), createdAt: String(res.Item.createdAt ?? '') };
}

/**
 * Every tenant with its keys. Tenant items have no index of their own, so this scans (an admin
 * command run by hand; the API never lists tenants).
 */
export async function listTenants(deps: AdminDeps): Promise<TenantWithKeys[]> {
  const tenants: Tenant[] = [];
  const pages = paginateScan(
    { client: deps.dynamo },
    {
      TableName: deps.tableName,
      FilterExpression: 'sk = :sk AND begins_with(pk, :pk)',
      ExpressionAttributeValues: { ':sk': keys.tenant('x').sk, ':pk': 'TENANT#' },
      ProjectionExpression: 'tenantId, #n, createdAt',
      ExpressionAttributeNames: { '#n': 'name' },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      tenants.push({ tenantId: String(item.tenantId), name: String(item.name ?? ''), createdAt: String(item.createdAt ?? '') });
    }
  }
  tenants.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.tenantId.localeCompare(b.tenantId));
  return Promise.all(tenants.map(async (t) => ({ ...t, keys: await listTenantKeys(deps, t.tenantId) })));
}

/**
 * Issues a new key. Old keys keep working until revoked (rotate without downtime: hand out the new
 * key, then revoke the old one), unless `revokeOld` revokes them right away.
 */
export async function rotateKey(
  deps: AdminDeps,
  tenantId: string,
  options: { revokeOld: boolean },
): Promise<IssuedKey & { revoked: string[]; stillActive: string[] }> {
  if (!(await getTenant(deps, tenantId))) throw new AdminError(`No tenant ${tenantId}.`);
  const before = (await listTenantKeys(deps, tenantId)).filter((k) => !k.revokedAt).map((k) => k.keyId);
  const { apiKey, keyId } = await storeApiKey(deps, tenantId);
  const revoked: string[] = [];
  if (options.revokeOld) {
    for (const old of before) if (await revokeApiKey(deps, tenantId, old)) revoked.push(old);
  }
  return { tenantId, keyId, apiKey, revoked, stillActive: options.revokeOld ? [] : before };
}

export async function revokeKey(deps: AdminDeps, tenantId: string, keyId: string): Promise<void> {
  if (!(await revokeApiKey(deps, tenantId, keyId))) throw new AdminError(`Tenant ${tenantId} has no key ${keyId}.`);
}

export interface TenantLimit {
  tenantId: string;
  /** The tenant's own API requests per minute; null: TENANT_REQUESTS_PER_MINUTE of the deployment applies. */
  requestsPerMinute: number | null;
}

/** Shows, sets (a number) or clears (null) the tenant's API request limit. */
export async function tenantLimit(deps: AdminDeps, tenantId: string, change: number | null | undefined): Promise<TenantLimit> {
  if (change === undefined) {
    if (!(await getTenant(deps, tenantId))) throw new AdminError(`No tenant ${tenantId}.`);
    return { tenantId, requestsPerMinute: (await getTenantRequestLimit(deps, tenantId)) ?? null };
  }
  if (!(await setTenantRequestLimit(deps, tenantId, change ?? undefined))) throw new AdminError(`No tenant ${tenantId}.`);
  return { tenantId, requestsPerMinute: change };
}
