/**
 * The laptop keyring: data keys wrapped (AES-256-GCM, context as AAD) under a 256-bit master key
 * kept in MASTER_KEY_FILE (created once, mode 0600). The file holds every master key version:
 * `rotateLocalMasterKey` adds a new current one and keeps the old ones, so older envelopes (which
 * name their key id) still open.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { canonicalContext, DecryptionError, gcmOpen, gcmSeal, KEY_BYTES, type EncryptionContext } from './crypto.ts';
import type { GeneratedDataKey, Keyring } from './keyring.ts';

const WRAP_PURPOSE = 'tkc/local-keyring/v1';

const keyFileSchema = z.object({
  version: z.literal(1),
  current: z.string().check(z.minLength(1)),
  keys: z.array(z.object({ id: z.string().check(z.minLength(1)), key: z.string(), createdAt: z.string() })).check(z.minLength(1)),
});
type KeyFile = z.infer<typeof keyFileSchema>;

export class MasterKeyFileError extends Error {
  constructor(file: string, reason: string) {
    super(`Master key file ${file} is unusable: ${reason}`);
    this.name = 'MasterKeyFileError';
  }
}

function newEntry(id: string): KeyFile['keys'][number] {
  return { id, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: new Date().toISOString() };
}

function writeKeyFile(file: string, content: KeyFile, exclusive: boolean): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const body = `${JSON.stringify(content, null, 2)}\n`;
  if (exclusive) {
    // `wx`: two processes starting at once cannot both create (and then disagree on) the key.
    writeFileSync(file, body, { mode: 0o600, flag: 'wx' });
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, body, { mode: 0o600 });
  renameSync(tmp, file);
}

function readKeyFile(file: string): KeyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new MasterKeyFileError(file, 'not valid JSON');
  }
  const result = keyFileSchema.safeParse(parsed);
  if (!result.success) throw new MasterKeyFileError(file, 'unexpected format');
  const content = result.data;
  for (const k of content.keys) {
    if (Buffer.from(k.key, 'base64').length !== KEY_BYTES) throw new MasterKeyFileError(file, `key ${k.id} is not 256 bits`);
  }
  if (!content.keys.some((k) => k.id === content.current)) throw new MasterKeyFileError(file, 'the current key is missing');
  return content;
}

/** Reads the key file, creating it (mode 0600) on first use. Tightens the mode if someone loosened it. */
export function loadOrCreateKeyFile(file: string): KeyFile {
  if (!existsSync(file)) {
    try {
      writeKeyFile(file, { version: 1, current: 'local-1', keys: [newEntry('local-1')] }, true);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return readKeyFile(file);
}

/** Adds a new master key and makes it current; old keys stay so existing envelopes still open. Returns the new key id. */
export function rotateLocalMasterKey(file: string): string {
  const content = loadOrCreateKeyFile(file);
  const next = Math.max(...content.keys.map((k) => Number(/^local-(\d+)$/.exec(k.id)?.[1] ?? 0))) + 1;
  const entry = newEntry(`local-${next}`);
  writeKeyFile(file, { version: 1, current: entry.id, keys: [...content.keys, entry] }, false);
  return entry.id;
}

/** Wrapped key layout: iv (12) | tag (16) | ciphertext (32). */
function pack(iv: Buffer, tag: Buffer, ciphertext: Buffer): Buffer {
  return Buffer.concat([iv, tag, ciphertext]);
}

export function createLocalKeyring(file: string): Keyring {
  // Read per call (cheap, local): a rotation by another process is seen without a restart.
  const keyById = (id: string): Buffer | undefined => {
    const entry = loadOrCreateKeyFile(file).keys.find((k) => k.id === id);
    return entry ? Buffer.from(entry.key, 'base64') : undefined;
  };
  const aad = (keyId: string, context: EncryptionContext) => canonicalContext(`${WRAP_PURPOSE}/${keyId}`, context);
  return {
    kind: 'local',
    async generateDataKey(context): Promise<GeneratedDataKey> {
      const keyId = loadOrCreateKeyFile(file).current;
      const master = keyById(keyId)!;
      const plaintext = randomBytes(KEY_BYTES);
      const sealed = gcmSeal(master, plaintext, aad(keyId, context));
      return { plaintext, wrapped: pack(sealed.iv, sealed.tag, sealed.ciphertext), keyId };
    },
    async decryptDataKey(wrapped, keyId, context): Promise<Buffer> {
      const master = keyById(keyId);
      if (!master || wrapped.length !== 12 + 16 + KEY_BYTES) throw new DecryptionError();
      return gcmOpen(master, { iv: wrapped.subarray(0, 12), tag: wrapped.subarray(12, 28), ciphertext: wrapped.subarray(28) }, aad(keyId, context));
    },
  };
}
