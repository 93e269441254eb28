/**
 * The OAuth `state`: 256 random bits, one-time, 10 minutes. Only its SHA-256 is stored (the key of
 * the state item), bound to the tenant, the connect link, the exact redirect_uri and the PKCE
 * verifier. The verifier is stored encrypted under a key derived (HKDF-SHA256) from the state itself,
 * so the table alone never yields it. Consuming is one conditional DeleteItem returning the old item:
 * of two racing callbacks with the same state, exactly one gets it.
 */
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, ttlFromMs } from '../store/table.ts';
import { unlessConditionFails } from '../store/conditional-write.ts';
import type { DatasourceStoreDeps } from '../datasources/store.ts';
import { createPkceVerifier } from '../tiktok/index.ts';
import { DecryptionError, gcmOpen, gcmSeal } from '../tokens/crypto.ts';

export const STATE_TTL_MS = 10 * 60_000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;
const VERIFIER_INFO = 'tkc/oauth-state/pkce-verifier';

export function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

function verifierKey(state: string): Buffer {
  return Buffer.from(hkdfSync('sha256', state, Buffer.alloc(0), VERIFIER_INFO, 32));
}

export interface IssuedState {
  state: string;
  codeVerifier: string;
  expiresAt: number;
}

export interface StateBinding {
  tenantId: string;
  linkId: string;
  redirectUri: string;
}

export async function issueState(deps: DatasourceStoreDeps, binding: StateBinding): Promise<IssuedState> {
  const state = randomBytes(32).toString('base64url');
  const stateHash = hashState(state);
  const codeVerifier = createPkceVerifier();
  const sealed = gcmSeal(verifierKey(state), Buffer.from(codeVerifier, 'ascii'), Buffer.from(stateHash, 'utf8'));
  const now = deps.now();
  const expiresAt = now + STATE_TTL_MS;
  await deps.dynamo.send(
    new PutCommand({
      TableName: deps.tableName,
      Item: {
        ...keys.oauthState(stateHash),
        type: 'oauthState',
        ...binding,
        createdAt: new Date(now).toISOString(),
        expiresAt,
        ttl: ttlFromMs(expiresAt),
        verifier: { iv: sealed.iv.toString('base64'), ct: sealed.ciphertext.toString('base64'), tag: sealed.tag.toString('base64') },
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { state, codeVerifier, expiresAt };
}

export type ConsumedState =
  | { ok: true; stateHash: string; binding: StateBinding; codeVerifier: string }
  | { ok: false; reason: 'invalid' | 'expired' };

/** One-time: the item is deleted whether it turns out valid, expired or not. */
export async function consumeState(deps: DatasourceStoreDeps, state: string | undefined): Promise<ConsumedState> {
  if (!state || !STATE_FORMAT.test(state)) return { ok: false, reason: 'invalid' };
  const stateHash = hashState(state);
  const deleted = await unlessConditionFails(
    deps.dynamo.send(
      new DeleteCommand({ TableName: deps.tableName, Key: keys.oauthState(stateHash), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }),
    ),
  );
  const item = deleted?.Attributes;
  if (!item) return { ok: false, reason: 'invalid' };
  // DynamoDB's TTL deletes late and the local store never: the expiry is checked here.
  if (Number(item.expiresAt) <= deps.now()) return { ok: false, reason: 'expired' };
  const v = item.verifier as { iv?: string; ct?: string; tag?: string } | undefined;
  try {
    const codeVerifier = gcmOpen(
      verifierKey(state),
      { iv: Buffer.from(v?.iv ?? '', 'base64'), ciphertext: Buffer.from(v?.ct ?? '', 'base64'), tag: Buffer.from(v?.tag ?? '', 'base64') },
      Buffer.from(stateHash, 'utf8'),
    ).toString('ascii');
    return {
      ok: true,
      stateHash,
      binding: { tenantId: String(item.tenantId), linkId: String(item.linkId), redirectUri: String(item.redirectUri) },
      codeVerifier,
    };
  } catch (err) {
    if (err instanceof DecryptionError) return { ok: false, reason: 'invalid' };
    throw err;
  }
}
