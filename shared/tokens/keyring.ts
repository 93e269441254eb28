/**
 * Where data keys come from. A keyring generates a fresh 256-bit data key (plaintext + wrapped) and
 * unwraps a wrapped one, both bound to the encryption context. The envelope stores `keyring` and
 * `keyId` next to the wrapped key, so a rotated keyring still opens everything it sealed before.
 */
import type { EncryptionContext } from './crypto.ts';

export type KeyringKind = 'kms' | 'local';

export interface GeneratedDataKey {
  plaintext: Buffer;
  wrapped: Buffer;
  /** The wrapping key (version) that produced `wrapped`: a KMS key ARN or a local master key id. */
  keyId: string;
}

export interface Keyring {
  readonly kind: KeyringKind;
  generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey>;
  /** Throws DecryptionError when the wrapped key, the key id or the context does not match. */
  decryptDataKey(wrapped: Buffer, keyId: string, context: EncryptionContext): Promise<Buffer>;
}
