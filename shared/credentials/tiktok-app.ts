/**
 * The TikTok client every caller uses (OAuth flow, token refresh, reports). App credentials come
 * from the environment on a laptop (TIKTOK_CLIENT_KEY/SECRET) and from Secrets Manager in AWS
 * (TIKTOK_SECRET_NAME, JSON `{clientKey, clientSecret}`), read through Powertools Parameters with a
 * 5-minute cache so a rotated secret is picked up without a deploy and a warm Lambda makes no call.
 */
import { TransformParameterError } from '@aws-lambda-powertools/parameters/errors';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { ConfigError, type Config } from '../config.ts';
import { appContext } from '../context.ts';
import { registerCache } from '../lambda/caches.ts';
import { defaultGovernor } from '../quota/default-governor.ts';
import { governedGate } from '../quota/gate.ts';
import { createTikTokClient, type TikTokClient } from '../tiktok/index.ts';

export const SECRET_MAX_AGE_SECONDS = 300;

const secretSchema = z.object({ clientKey: z.string().check(z.minLength(1)), clientSecret: z.string().check(z.minLength(1)) });

export interface TikTokAppCredentials {
  clientKey: string;
  clientSecret: string;
}

/** Reads the secret (cached by Powertools); the secret value itself never appears in an error. */
export async function tiktokAppCredentials(config: Config = appContext().config): Promise<TikTokAppCredentials> {
  const { clientKey, clientSecret, secretName } = config.tiktok;
  if (clientKey && clientSecret) return { clientKey, clientSecret };
  if (!secretName) throw new ConfigError('TikTok app credentials are missing: set TIKTOK_CLIENT_KEY and TIKTOK_CLIENT_SECRET, or TIKTOK_SECRET_NAME.');
  const shapeError = () => new ConfigError(`Secret ${secretName} must be JSON {"clientKey": "...", "clientSecret": "..."}.`);
  let value: unknown;
  try {
    value = await getSecret(secretName, { maxAge: SECRET_MAX_AGE_SECONDS, transform: 'json' });
  } catch (err) {
    // JSON.parse's message quotes the start of the secret: never let it reach a log.
    if (err instanceof TransformParameterError) throw shapeError();
    throw err;
  }
  const parsed = secretSchema.safeParse(value);
  if (!parsed.success) throw shapeError();
  return parsed.data;
}

let cached: { id: string; governor: unknown; client: TikTokClient } | undefined;
registerCache('tiktok.client', { clear: () => (cached = undefined) });

/**
 * A client for the current credentials and base URLs; rebuilt only when one of them changes. Every
 * call it makes first takes a permit from the fleet-wide quota governor (docs/quota.md).
 */
export async function getTikTokClient(): Promise<TikTokClient> {
  const ctx = appContext();
  const creds = await tiktokAppCredentials(ctx.config);
  const { authBaseUrl, apiBaseUrl, timeoutMs, tokenTimeoutMs } = ctx.config.tiktok;
  const governor = defaultGovernor();
  const id = JSON.stringify([creds.clientKey, creds.clientSecret, authBaseUrl, apiBaseUrl, timeoutMs, tokenTimeoutMs]);
  if (cached?.id !== id || cached.governor !== governor) {
    cached = {
      id,
      governor,
      client: createTikTokClient({ ...creds, authBaseUrl, apiBaseUrl, timeoutMs, tokenTimeoutMs, now: () => appContext().clock.now(), gate: governedGate(governor) }),
    };
  }
  return cached.client;
}
