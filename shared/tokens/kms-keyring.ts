/**
 * The AWS keyring: KMS GenerateDataKey / Decrypt with the same EncryptionContext, so KMS itself
 * refuses to unwrap a data key for another tenant or datasource (and CloudTrail records the context).
 * KMS key rotation is transparent (the wrapped blob names its backing key); a switch to another KMS
 * key keeps old envelopes readable because each stores the ARN that wrapped it.
 */
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { DecryptionError, KEY_BYTES, type EncryptionContext } from './crypto.ts';
import type { GeneratedDataKey, Keyring } from './keyring.ts';

/** KMS errors that mean "this blob/context/key does not match", as opposed to KMS being unavailable. */
const MISMATCH_ERRORS = new Set(['InvalidCiphertextException', 'IncorrectKeyException', 'InvalidKeyUsageException']);

export function createKmsKeyring(kms: KMSClient, keyId: string): Keyring {
  return {
    kind: 'kms',
    async generateDataKey(context: EncryptionContext): Promise<GeneratedDataKey> {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { ...context } }));
      if (!out.Plaintext || !out.CiphertextBlob || out.Plaintext.length !== KEY_BYTES) {
        throw new Error('KMS GenerateDataKey returned no usable data key');
      }
      return { plaintext: Buffer.from(out.Plaintext), wrapped: Buffer.from(out.CiphertextBlob), keyId: out.KeyId ?? keyId };
    },
    async decryptDataKey(wrapped: Buffer, wrappingKeyId: string, context: EncryptionContext): Promise<Buffer> {
      try {
        const out = await kms.send(new DecryptCommand({ CiphertextBlob: wrapped, KeyId: wrappingKeyId, EncryptionContext: { ...context } }));
        if (!out.Plaintext || out.Plaintext.length !== KEY_BYTES) throw new DecryptionError();
        return Buffer.from(out.Plaintext);
      } catch (err) {
        if (MISMATCH_ERRORS.has((err as Error).name)) throw new DecryptionError();
        throw err;
      }
    },
  };
}
