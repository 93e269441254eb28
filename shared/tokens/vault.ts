/**
 * The token vault: envelope encryption of a datasource's TikTok tokens. Each seal draws a fresh data
 * key from the keyring, encrypts the tokens with AES-256-GCM under it (AAD = the encryption context
 * {tenantId, datasourceId}) and stores the wrapped data key, its key id and the keyring kind in the
 * envelope. Unwrapped data keys are cached in memory for a few minutes (bounded), so a warm Lambda
 * opens tokens without calling KMS.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { createTtlCache } from '../lambda/ttl-cache.ts';
import { canonicalContext, DecryptionError, gcmOpen, gcmSeal, type EncryptionContext } from './crypto.ts';
import type { Keyring, KeyringKind } from './keyring.ts';
import type { TokenSecrets } from '../datasources/token-port.ts';

const PURPOSE = 'tkc/tokens/v1';

/** What is sealed (the datasource port's type: the vault implements shared/datasources/token-port.ts). */
export type { TokenSecrets };

/** The stored envelope (a DynamoDB map of strings). Never leaves the store or this module in clear. */
export interface SealedTokens {
  v: 1;
  keyring: KeyringKind;
  keyId: string;
  /** Wrapped data key, base64. */
  edk: string;
  iv: string;
  ct: string;
  tag: string;
}

const sealedSchema = z.object({
  v: z.literal(1),
  keyring: z.enum(['kms', 'local']),
  keyId: z.string().check(z.minLength(1)),
  edk: z.string().check(z.minLength(1)),
  iv: z.string().check(z.minLength(1)),
  ct: z.string().check(z.minLength(1)),
  tag: z.string().check(z.minLength(1)),
});

const secretsSchema = z.object({ accessToken: z.string().check(z.minLength(1)), refreshToken: z.string().check(z.minLength(1)) });

export interface TokenContext {
  tenantId: string;
  datasourceId: string;
}

export interface TokenVault {
  seal(context: TokenContext, secrets: TokenSecrets): Promise<SealedTokens>;
  /** Throws DecryptionError on tampering, a wrong context or a wrong key. */
  open(context: TokenContext, sealed: unknown): Promise<TokenSecrets>;
}

export interface VaultOptions {
  /** The keyring new envelopes are sealed with. */
  keyring: Keyring;
  /** Keyrings that may open older envelopes (e.g. `local` after moving to `kms`); `keyring` is always included. */
  legacyKeyrings?: Keyring[];
  cacheTtlMs?: number;
  cacheMaxEntries?: number;
  now?: () => number;
}

function encryptionContext(c: TokenContext): EncryptionContext {
  if (!c.tenantId || !c.datasourceId) throw new TypeError('tenantId and datasourceId are required for the encryption context');
  return { tenantId: c.tenantId, datasourceId: c.datasourceId };
}

export function createTokenVault(options: VaultOptions): TokenVault {
  const ttlMs = options.cacheTtlMs ?? 5 * 60_000;
  const maxEntries = options.cacheMaxEntries ?? 500;
  const now = options.now ?? Date.now;
  const keyrings = new Map<KeyringKind, Keyring>();
  for (const k of [...(options.legacyKeyrings ?? []), options.keyring]) keyrings.set(k.kind, k);
  // Keyed by a hash of (keyring, key id, wrapped key, context): a hit is exactly what the keyring would return.
  const cache = createTtlCache<string, Buffer>(maxEntries);

  const cacheKey = (kind: string, keyId: string, edk: string, ctx: EncryptionContext) =>
    createHash('sha256').update(canonicalContext(`${kind}/${keyId}/${edk}`, ctx)).digest('base64');

  const dataKey = async (sealed: SealedTokens, ctx: EncryptionContext): Promise<Buffer> => {
    const id = cacheKey(sealed.keyring, sealed.keyId, sealed.edk, ctx);
    const hit = cache.get(id, now());
    if (hit) return hit;
    const keyring = keyrings.get(sealed.keyring);
    if (!keyring) throw new DecryptionError(`No ${sealed.keyring} keyring is configured to open this envelope.`);
    const key = await keyring.decryptDataKey(Buffer.from(sealed.edk, 'base64'), sealed.keyId, ctx);
    cache.set(id, key, now() + ttlMs);
    return key;
  };

  return {
    async seal(context, secrets) {
      const ctx = encryptionContext(context);
      const parsed = secretsSchema.parse(secrets);
      const generated = await options.keyring.generateDataKey(ctx);
      const out = gcmSeal(generated.plaintext, Buffer.from(JSON.stringify(parsed), 'utf8'), canonicalContext(PURPOSE, ctx));
      const sealed: SealedTokens = {
        v: 1,
        keyring: options.keyring.kind,
        keyId: generated.keyId,
        edk: generated.wrapped.toString('base64'),
        iv: out.iv.toString('base64'),
        ct: out.ciphertext.toString('base64'),
        tag: out.tag.toString('base64'),
      };
      // The next open in this container (the request right after a refresh) needs no KMS call.
      cache.set(cacheKey(sealed.keyring, sealed.keyId, sealed.edk, ctx), generated.plaintext, now() + ttlMs);
      return sealed;
    },
    async open(context, value) {
      const ctx = encryptionContext(context);
      const parsed = sealedSchema.safeParse(value);
      if (!parsed.success) throw new DecryptionError('The stored token envelope is malformed.');
      const sealed = parsed.data;
      const key = await dataKey(sealed, ctx);
      const plaintext = gcmOpen(
        key,
        { iv: Buffer.from(sealed.iv, 'base64'), ciphertext: Buffer.from(sealed.ct, 'base64'), tag: Buffer.from(sealed.tag, 'base64') },
        canonicalContext(PURPOSE, ctx),
      );
      const secrets = secretsSchema.safeParse(JSON.parse(plaintext.toString('utf8')));
      if (!secrets.success) throw new DecryptionError('The stored token envelope is malformed.');
      return secrets.data;
    },
  };
}
