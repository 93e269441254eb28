/**
 * The environment contract (README "Configuration"), read once and validated with zod so a
 * mis-set variable fails loudly at the first request instead of deep inside a handler. The variables
 * of one concern only (history, webhooks, lake, exports, downloads, logging) have their own validated
 * reader in shared/config/<concern>.ts; every reader fails with ConfigError naming the variable.
 */
import * as z from 'zod/mini';
import './zod-locale.ts';
import { ConfigError, parseEnv } from './config/env.ts';
import { loggingEnv } from './config/logging.ts';
import { DEFAULT_QUOTA_SETTINGS, parseQuotaOverrides, type QuotaSettings } from './quota/settings.ts';

const optionalUrl = z.optional(z.url());

export const envSchema = z.object({
  STAGE: z._default(z.string(), 'local'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  TABLE_NAME: z._default(z.string().check(z.minLength(3)), 'tiktok-connector'),
  BUCKET_NAME: z._default(z.string().check(z.minLength(3)), 'tiktok-connector-deliveries'),
  /** Local runtime only: endpoints of the embedded DynamoDB / S3 stand-ins. */
  DYNAMODB_ENDPOINT: optionalUrl,
  S3_ENDPOINT: optionalUrl,
  PUBLIC_BASE_URL: z._default(z.url(), 'http://localhost:3000'),
  TIKTOK_CLIENT_KEY: z.optional(z.string()),
  TIKTOK_CLIENT_SECRET: z.optional(z.string()),
  /** In AWS the app credentials live in Secrets Manager: `{"clientKey": "...", "clientSecret": "..."}`. */
  TIKTOK_SECRET_NAME: z.optional(z.string()),
  TIKTOK_AUTH_BASE_URL: z._default(z.url(), 'https://www.tiktok.com'),
  TIKTOK_API_BASE_URL: z._default(z.url(), 'https://open.tiktokapis.com'),
  /** TikTok's docs disagree on the S256 challenge encoding (docs/tiktok.md §1), so it is a setting. */
  PKCE_CHALLENGE_ENCODING: z._default(z.enum(['base64url', 'hex']), 'base64url'),
  TIKTOK_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
  /** The token endpoint's own timeout: a refresh answer lost to a timeout costs the refresh token. */
  TIKTOK_TOKEN_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 30_000),
  /** `kms` in AWS (KMS_KEY_ID required), `local` on a laptop (MASTER_KEY_FILE). */
  TOKEN_KEYRING: z._default(z.enum(['kms', 'local']), 'local'),
  KMS_KEY_ID: z.optional(z.string()),
  MASTER_KEY_FILE: z._default(z.string(), '.data/master.key'),
  REPORT_QUEUE_URL: z.optional(z.string()),
  REPORT_DLQ_URL: z.optional(z.string()),
  /** The shared TikTok app's limit per endpoint and minute, and how it is counted (docs/quota.md). */
  TIKTOK_QUOTA_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.positive()), 600),
  TIKTOK_QUOTA_OVERRIDES: z.optional(z.string()),
  TIKTOK_QUOTA_SCOPE: z._default(z.enum(['app', 'user']), 'app'),
  /** How long an API call waits for a TikTok permit before 429 quota_exhausted. */
  TIKTOK_QUOTA_MAX_WAIT_MS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 2_000),
  /** The most of the window one tenant takes while nobody else waits (0-1]. */
  TIKTOK_QUOTA_TENANT_SHARE: z._default(z.coerce.number().check(z.positive(), z.lte(1)), 0.5),
  CAPTURE_QUEUE_URL: z.optional(z.string()),
  MAX_BODY_BYTES: z._default(z.coerce.number().check(z.int(), z.positive()), 64 * 1024),
  /** API requests per minute per tenant, unless the tenant item sets `requestsPerMinute` (npm run tenant -- limit). */
  TENANT_REQUESTS_PER_MINUTE: z._default(z.coerce.number().check(z.int(), z.positive()), 600),
  ...loggingEnv.shape,
});

export type Config = Readonly<{
  stage: string;
  region: string;
  tableName: string;
  bucketName: string;
  dynamodbEndpoint?: string;
  s3Endpoint?: string;
  publicBaseUrl: string;
  tiktok: {
    clientKey?: string;
    clientSecret?: string;
    secretName?: string;
    authBaseUrl: string;
    apiBaseUrl: string;
    pkceChallengeEncoding: 'base64url' | 'hex';
    timeoutMs: number;
    tokenTimeoutMs: number;
  };
  tokenKeyring: 'kms' | 'local';
  kmsKeyId?: string;
  masterKeyFile: string;
  reportQueueUrl?: string;
  reportDlqUrl?: string;
  quota: QuotaSettings;
  captureQueueUrl?: string;
  maxBodyBytes: number;
  tenantRequestsPerMinute: number;
  logLevel: string;
}>;

export { ConfigError };

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(envSchema, env);
  if (e.TOKEN_KEYRING === 'kms' && !e.KMS_KEY_ID) throw new ConfigError('KMS_KEY_ID is required when TOKEN_KEYRING=kms');
  return {
    stage: e.STAGE,
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    bucketName: e.BUCKET_NAME,
    dynamodbEndpoint: e.DYNAMODB_ENDPOINT,
    s3Endpoint: e.S3_ENDPOINT,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    tiktok: {
      clientKey: e.TIKTOK_CLIENT_KEY,
      clientSecret: e.TIKTOK_CLIENT_SECRET,
      secretName: e.TIKTOK_SECRET_NAME,
      authBaseUrl: e.TIKTOK_AUTH_BASE_URL.replace(/\/+$/, ''),
      apiBaseUrl: e.TIKTOK_API_BASE_URL.replace(/\/+$/, ''),
      pkceChallengeEncoding: e.PKCE_CHALLENGE_ENCODING,
      timeoutMs: e.TIKTOK_TIMEOUT_MS,
      tokenTimeoutMs: e.TIKTOK_TOKEN_TIMEOUT_MS,
    },
    tokenKeyring: e.TOKEN_KEYRING,
    kmsKeyId: e.KMS_KEY_ID,
    masterKeyFile: e.MASTER_KEY_FILE,
    reportQueueUrl: e.REPORT_QUEUE_URL,
    reportDlqUrl: e.REPORT_DLQ_URL,
    quota: quotaSettings(e),
    captureQueueUrl: e.CAPTURE_QUEUE_URL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    tenantRequestsPerMinute: e.TENANT_REQUESTS_PER_MINUTE,
    logLevel: e.LOG_LEVEL,
  };
}

function quotaSettings(e: z.output<typeof envSchema>): QuotaSettings {
  let overrides: Record<string, number>;
  try {
    overrides = parseQuotaOverrides(e.TIKTOK_QUOTA_OVERRIDES);
  } catch (err) {
    throw new ConfigError(`Invalid environment variable ${(err as Error).message}`);
  }
  return {
    ...DEFAULT_QUOTA_SETTINGS,
    perMinute: e.TIKTOK_QUOTA_PER_MINUTE,
    overrides,
    scope: e.TIKTOK_QUOTA_SCOPE,
    tenantShare: e.TIKTOK_QUOTA_TENANT_SHARE,
    maxWaitMs: { ...DEFAULT_QUOTA_SETTINGS.maxWaitMs, interactive: e.TIKTOK_QUOTA_MAX_WAIT_MS },
  };
}
