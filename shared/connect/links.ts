/**
 * Connect links: a one-time URL a tenant hands to a TikTok account owner. The link id is 128 random
 * bits (it is a capability: whoever opens it can connect an account to the tenant). A link can be
 * opened any number of times until one OAuth callback completes; that callback claims it with a
 * conditional update, so two racing callbacks cannot both connect through one link.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, ttlFromMs } from '../store/table.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import { connectLinkUrl } from './deps.ts';

export const DEFAULT_LINK_TTL_HOURS = 7 * 24;
export const MAX_LINK_TTL_HOURS = 30 * 24;
/** Used/expired links stay readable this long (410 page rather than 404), then DynamoDB TTL removes them. */
const KEEP_AFTER_EXPIRY_MS = 30 * 24 * 3_600_000;
const LINK_ID = /^cl_[A-Za-z0-9_-]{22}$/;

export interface ConnectLink {
  linkId: string;
  tenantId: string;
  name: string;
  createdAt: string;
  /** Epoch ms. */
  expiresAt: number;
  status: 'open' | 'used';
  usedAt?: string;
}

export type LinkState = 'open' | 'used' | 'expired';

export function linkState(link: ConnectLink, now: number): LinkState {
  if (link.status === 'used') return 'used';
  return link.expiresAt <= now ? 'expired' : 'open';
}

export interface CreatedLink {
  linkId: string;
  url: string;
  expiresAt: string;
  name: string;
}

export async function createConnectLink(
  deps: DatasourceStoreDeps & { publicBaseUrl: string },
  input: { tenantId: string; name: string; expiresInHours?: number },
): Promise<CreatedLink> {
  const linkId = `cl_${randomBytes(16).toString('base64url')}`;
  const now = deps.now();
  const expiresAt = now + (input.expiresInHours ?? DEFAULT_LINK_TTL_HOURS) * 3_600_000;
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: {
        ...keys.connectLink(linkId),
        type: 'connectLink',
        linkId,
        tenantId: input.tenantId,
        name: input.name,
        createdAt: new Date(now).toISOString(),
        expiresAt,
        status: 'open',
        ttl: ttlFromMs(expiresAt + KEEP_AFTER_EXPIRY_MS),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { linkId, url: connectLinkUrl(deps.publicBaseUrl, linkId), expiresAt: new Date(expiresAt).toISOString(), name: input.name };
}

export async function getConnectLink(deps: DatasourceStoreDeps, linkId: string): Promise<ConnectLink | undefined> {
  if (!LINK_ID.test(linkId)) return undefined; // not one of ours: no need to ask the table
  const res = await deps.dynamo.send(new GetCommand({ TableName: deps.tableName, Key: keys.connectLink(linkId), ConsistentRead: true }));
  const item = res.Item;
  if (!item) return undefined;
  return {
    linkId,
    tenantId: String(item.tenantId),
    name: String(item.name),
    createdAt: String(item.createdAt),
    expiresAt: Number(item.expiresAt),
    status: item.status === 'used' ? 'used' : 'open',
    usedAt: typeof item.usedAt === 'string' ? item.usedAt : undefined,
  };
}

/**
 * Each open of a link writes an OAuth state item (10-minute TTL), and anyone holding the link can
 * open it without auth: at most OPENS_PER_WINDOW opens per link per fixed STATE window, counted on
 * the link item, so one link never has more than 2 x OPENS_PER_WINDOW live states (across a window edge).
 */
export const OPENS_PER_WINDOW = 10;
export const OPEN_WINDOW_MS = 10 * 60_000;

/** Counts one open; the seconds until the window frees when the link is at its cap. */
export async function countLinkOpen(deps: DatasourceStoreDeps, linkId: string): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }> {
  const now = deps.now();
  const window = Math.floor(now / OPEN_WINDOW_MS);
  const same = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.connectLink(linkId),
        UpdateExpression: 'ADD opensInWindow :one',
        ConditionExpression: 'openWindow = :w AND opensInWindow < :cap',
        ExpressionAttributeValues: { ':one': 1, ':w': window, ':cap': OPENS_PER_WINDOW },
      }),
    ),
  );
  if (same) return { ok: true };
  const fresh = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.connectLink(linkId),
        UpdateExpression: 'SET openWindow = :w, opensInWindow = :one',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(openWindow) OR openWindow < :w)',
        ExpressionAttributeValues: { ':one': 1, ':w': window },
      }),
    ),
  );
  if (fresh) return { ok: true };
  return { ok: false, retryAfterSeconds: Math.ceil(((window + 1) * OPEN_WINDOW_MS - now) / 1000) };
}

/** Marks the link used on behalf of one OAuth state; false if it was already used. */
export async function claimConnectLink(deps: DatasourceStoreDeps, linkId: string, stateHash: string): Promise<boolean> {
  const claimed = await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.connectLink(linkId),
        UpdateExpression: 'SET #status = :used, usedAt = :now, claimedBy = :h',
        ConditionExpression: '#status = :open',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':used': 'used', ':open': 'open', ':now': new Date(deps.now()).toISOString(), ':h': stateHash },
      }),
    ),
  );
  return claimed !== undefined;
}

/** Undoes our claim when storing the datasource failed, so the owner can try again with the same link. */
export async function releaseConnectLink(deps: DatasourceStoreDeps, linkId: string, stateHash: string): Promise<void> {
  await unlessConditionFails(
    deps.dynamo.send(
      new UpdateCommand({
        TableName: deps.tableName,
        Key: keys.connectLink(linkId),
        UpdateExpression: 'SET #status = :open REMOVE usedAt, claimedBy',
        ConditionExpression: 'claimedBy = :h',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':open': 'open', ':h': stateHash },
      }),
    ),
  );
}
