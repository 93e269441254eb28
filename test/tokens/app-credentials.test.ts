/**
 * TikTok app credentials (shared/credentials): env on a laptop, Secrets Manager in AWS through
 * Powertools Parameters (cached). Kept beside the token tests, its main consumer.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../shared/config.ts';
import { tiktokAppCredentials } from '../../shared/credentials/tiktok-app.ts';

const sm = mockClient(SecretsManagerClient);
const config = (env: Record<string, string>) => readConfig({ AWS_REGION: 'eu-west-1', ...env });

describe('TikTok app credentials', () => {
  beforeEach(() => sm.reset());

  it('uses TIKTOK_CLIENT_KEY/SECRET when set, without asking Secrets Manager', async () => {
    const creds = await tiktokAppCredentials(config({ TIKTOK_CLIENT_KEY: 'k', TIKTOK_CLIENT_SECRET: 's', TIKTOK_SECRET_NAME: 'ignored' }));
    expect(creds).toEqual({ clientKey: 'k', clientSecret: 's' });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the JSON secret once and serves later reads from the cache', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ clientKey: 'aws-key', clientSecret: 'aws-secret' }) });
    const cfg = config({ TIKTOK_SECRET_NAME: 'tiktok/app-cached' });
    expect(await tiktokAppCredentials(cfg)).toEqual({ clientKey: 'aws-key', clientSecret: 'aws-secret' });
    expect(await tiktokAppCredentials(cfg)).toEqual({ clientKey: 'aws-key', clientSecret: 'aws-secret' });
    const calls = sm.commandCalls(GetSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.SecretId).toBe('tiktok/app-cached');
  });

  it('refuses a secret of the wrong shape without echoing its value', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ client_id: 'x', secret: 'leaky-value' }) });
    const err = await tiktokAppCredentials(config({ TIKTOK_SECRET_NAME: 'tiktok/app-bad' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).toContain('tiktok/app-bad');
    expect(String((err as Error).message)).not.toContain('leaky-value');
  });

  it('refuses a secret that is not JSON without quoting it (JSON.parse messages quote their input)', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'leaky-plain-secret' });
    const err = await tiktokAppCredentials(config({ TIKTOK_SECRET_NAME: 'tiktok/app-plain' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect(String((err as Error).message)).not.toContain('leaky');
  });

  it('says what to set when nothing is configured', async () => {
    await expect(tiktokAppCredentials(config({}))).rejects.toThrow(/TIKTOK_CLIENT_KEY .*TIKTOK_SECRET_NAME/);
  });
});
