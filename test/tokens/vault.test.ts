import { mkdtempSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecryptionError } from '../../shared/tokens/crypto.ts';
import { createKmsKeyring } from '../../shared/tokens/kms-keyring.ts';
import { createLocalKeyring, loadOrCreateKeyFile, MasterKeyFileError, rotateLocalMasterKey } from '../../shared/tokens/local-keyring.ts';
import { createTokenVault, type SealedTokens } from '../../shared/tokens/vault.ts';

const secrets = { accessToken: 'act.secret-access-123456', refreshToken: 'rft.secret-refresh-654321' };
const ctx = { tenantId: 'tn_a', datasourceId: 'ds_1' };

/** Flips one bit of a base64 field. */
function flip(b64: string, byte = 0): string {
  const buf = Buffer.from(b64, 'base64');
  buf[byte] = buf[byte]! ^ 0x01;
  return buf.toString('base64');
}

describe('token vault with the local keyring', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tkc-vault-'));
    file = path.join(dir, 'sub', 'master.key');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips tokens and never stores them in clear', async () => {
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    const sealed = await vault.seal(ctx, secrets);
    const stored = JSON.stringify(sealed);
    expect(stored).not.toContain(secrets.accessToken);
    expect(stored).not.toContain(secrets.refreshToken);
    expect(stored).not.toContain('secret-');
    expect(sealed).toMatchObject({ v: 1, keyring: 'local', keyId: 'local-1' });
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(await vault.open(ctx, sealed)).toEqual(secrets);
  });

  it('creates the master key file once, 256-bit, mode 0600', async () => {
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    await vault.seal(ctx, secrets);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = loadOrCreateKeyFile(file);
    expect(content.keys).toHaveLength(1);
    expect(Buffer.from(content.keys[0]!.key, 'base64')).toHaveLength(32);
    const before = readFileSync(file, 'utf8');
    await createTokenVault({ keyring: createLocalKeyring(file) }).seal(ctx, secrets);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('uses a fresh IV and data key per seal', async () => {
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    const a = await vault.seal(ctx, secrets);
    const b = await vault.seal(ctx, secrets);
    expect(a.iv).not.toBe(b.iv);
    expect(a.edk).not.toBe(b.edk);
    expect(a.ct).not.toBe(b.ct);
  });

  it.each([
    ['ciphertext', (s: SealedTokens) => ({ ...s, ct: flip(s.ct) })],
    ['tag', (s: SealedTokens) => ({ ...s, tag: flip(s.tag) })],
    ['iv', (s: SealedTokens) => ({ ...s, iv: flip(s.iv) })],
    ['wrapped data key', (s: SealedTokens) => ({ ...s, edk: flip(s.edk, 40) })],
    ['truncated tag', (s: SealedTokens) => ({ ...s, tag: Buffer.from(s.tag, 'base64').subarray(0, 8).toString('base64') })],
    ['unknown key id', (s: SealedTokens) => ({ ...s, keyId: 'local-9' })],
  ])('rejects a tampered %s', async (_name, tamper) => {
    // A fresh vault each time: no cached data key can mask a tampered wrapped key.
    const sealed = await createTokenVault({ keyring: createLocalKeyring(file) }).seal(ctx, secrets);
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    await expect(vault.open(ctx, tamper(sealed))).rejects.toThrow(DecryptionError);
  });

  it('rejects a malformed envelope', async () => {
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    await expect(vault.open(ctx, { v: 2 })).rejects.toThrow(DecryptionError);
    await expect(vault.open(ctx, undefined)).rejects.toThrow(DecryptionError);
  });

  it('rejects a wrong encryption context (another tenant or datasource), even with the data key cached', async () => {
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    const sealed = await vault.seal(ctx, secrets);
    await expect(vault.open({ ...ctx, tenantId: 'tn_b' }, sealed)).rejects.toThrow(DecryptionError);
    await expect(vault.open({ ...ctx, datasourceId: 'ds_2' }, sealed)).rejects.toThrow(DecryptionError);
    const fresh = createTokenVault({ keyring: createLocalKeyring(file) });
    await expect(fresh.open({ tenantId: 'tn_b', datasourceId: 'ds_1' }, sealed)).rejects.toThrow(DecryptionError);
  });

  it('rejects a wrong master key', async () => {
    const sealed = await createTokenVault({ keyring: createLocalKeyring(file) }).seal(ctx, secrets);
    const other = path.join(dir, 'other.key');
    await expect(createTokenVault({ keyring: createLocalKeyring(other) }).open(ctx, sealed)).rejects.toThrow(DecryptionError);
  });

  it('keeps old envelopes readable after a key rotation; new ones use the new key', async () => {
    const before = await createTokenVault({ keyring: createLocalKeyring(file) }).seal(ctx, secrets);
    expect(rotateLocalMasterKey(file)).toBe('local-2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const vault = createTokenVault({ keyring: createLocalKeyring(file) });
    const after = await vault.seal(ctx, secrets);
    expect(after.keyId).toBe('local-2');
    expect(await vault.open(ctx, before)).toEqual(secrets);
    expect(await vault.open(ctx, after)).toEqual(secrets);
  });

  it('refuses a damaged key file with a clear error', async () => {
    writeFileSync(file.replace('sub/', ''), '{"version":1,"current":"x","keys":[]}');
    const broken = createLocalKeyring(file.replace('sub/', ''));
    await expect(broken.generateDataKey(ctx)).rejects.toThrow(MasterKeyFileError);
  });
});

describe('KMS keyring', () => {
  const kmsMock = mockClient(KMSClient);
  const dataKey = Buffer.alloc(32, 7);
  const blob = Buffer.from('wrapped-by-kms');
  const arn = 'arn:aws:kms:eu-west-1:111122223333:key/abcd';

  beforeEach(() => {
    kmsMock.reset();
    kmsMock.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(dataKey), CiphertextBlob: new Uint8Array(blob), KeyId: arn });
  });

  it('binds the encryption context in KMS and caches unwrapped data keys', async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(dataKey), KeyId: arn });
    const keyring = createKmsKeyring(new KMSClient({ region: 'eu-west-1' }), 'alias/tokens');
    const sealed = await createTokenVault({ keyring }).seal(ctx, secrets);
    expect(sealed).toMatchObject({ keyring: 'kms', keyId: arn, edk: blob.toString('base64') });
    const gen = kmsMock.commandCalls(GenerateDataKeyCommand)[0]!.args[0].input;
    expect(gen).toMatchObject({ KeyId: 'alias/tokens', KeySpec: 'AES_256', EncryptionContext: ctx });

    const reader = createTokenVault({ keyring });
    expect(await reader.open(ctx, sealed)).toEqual(secrets);
    expect(await reader.open(ctx, sealed)).toEqual(secrets);
    const decrypts = kmsMock.commandCalls(DecryptCommand);
    expect(decrypts).toHaveLength(1); // the second open used the cached data key
    expect(decrypts[0]!.args[0].input).toMatchObject({ KeyId: arn, EncryptionContext: ctx });
  });

  it('re-asks KMS once the cached data key is older than the cache TTL', async () => {
    kmsMock.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(dataKey), KeyId: arn });
    let t = 0;
    const keyring = createKmsKeyring(new KMSClient({ region: 'eu-west-1' }), 'alias/tokens');
    const sealed = await createTokenVault({ keyring }).seal(ctx, secrets);
    const reader = createTokenVault({ keyring, cacheTtlMs: 1000, now: () => t });
    await reader.open(ctx, sealed);
    t = 5000;
    await reader.open(ctx, sealed);
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(2);
  });

  it('maps a KMS context mismatch to DecryptionError and lets other KMS failures through', async () => {
    const keyring = createKmsKeyring(new KMSClient({ region: 'eu-west-1' }), 'alias/tokens');
    const sealed = await createTokenVault({ keyring }).seal(ctx, secrets);
    kmsMock.on(DecryptCommand).rejects(Object.assign(new Error('bad'), { name: 'InvalidCiphertextException' }));
    await expect(createTokenVault({ keyring }).open({ ...ctx, tenantId: 'tn_b' }, sealed)).rejects.toThrow(DecryptionError);
    kmsMock.on(DecryptCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
    await expect(createTokenVault({ keyring }).open(ctx, sealed)).rejects.toThrow('throttled');
  });

  it('opens envelopes of a legacy keyring after switching to KMS', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tkc-vault-'));
    try {
      const local = createLocalKeyring(path.join(dir, 'master.key'));
      const old = await createTokenVault({ keyring: local }).seal(ctx, secrets);
      const kms = createKmsKeyring(new KMSClient({ region: 'eu-west-1' }), 'alias/tokens');
      expect(await createTokenVault({ keyring: kms, legacyKeyrings: [local] }).open(ctx, old)).toEqual(secrets);
      await expect(createTokenVault({ keyring: kms }).open(ctx, old)).rejects.toThrow(DecryptionError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
