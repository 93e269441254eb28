/** The vault the handlers use, chosen by TOKEN_KEYRING: KMS in AWS, the master key file on a laptop. */
import { KMSClient } from '@aws-sdk/client-kms';
import type { Config } from '../config.ts';
import { appContext } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';
import { createKmsKeyring } from './kms-keyring.ts';
import { createLocalKeyring } from './local-keyring.ts';
import { createTokenVault, type TokenVault } from './vault.ts';

let cached: { id: string; vault: TokenVault } | undefined;
let kms: KMSClient | undefined;
registerCache('tokens.vault', { clear: () => (cached = undefined) });

function vaultId(config: Config): string {
  return config.tokenKeyring === 'kms' ? `kms:${config.kmsKeyId}` : `local:${config.masterKeyFile}`;
}

/** One vault (and data-key cache) per container; rebuilt only if the keyring settings change (tests). */
export function tokenVault(): TokenVault {
  const ctx = appContext();
  const id = vaultId(ctx.config);
  if (cached?.id === id) return cached.vault;
  const keyring =
    ctx.config.tokenKeyring === 'kms'
      ? createKmsKeyring((kms ??= new KMSClient({ region: ctx.config.region })), ctx.config.kmsKeyId!)
      : createLocalKeyring(ctx.config.masterKeyFile);
  cached = { id, vault: createTokenVault({ keyring, now: () => Date.now() }) };
  return cached.vault;
}
