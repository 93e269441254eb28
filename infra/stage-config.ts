/**
 * Stage configuration from CDK context: `stage` picks an entry of `stages` in cdk.json, and a few
 * top-level context keys (`-c domainName=... -c certificateArn=... -c alarmEmail=...`) override it
 * for one deploy. Validated with zod so a typo fails the synth instead of deploying a default.
 */
import * as z from 'zod/mini';
import { DEFAULT_QUOTA_SETTINGS, parseQuotaOverrides, type QuotaSettings } from '../shared/quota/settings.ts';
import '../shared/zod-locale.ts';
import { FUNCTIONS, type FunctionName } from '../shared/topology/functions.ts';
import { REPORT_QUEUE_SETTINGS } from '../shared/queue/index.ts';

const functionNames = FUNCTIONS.map((f) => f.name) as [FunctionName, ...FunctionName[]];

const functionTuning = z.strictObject({
  /** Reserved concurrency (caps the function and guarantees it this share of the account). */
  reservedConcurrency: z.optional(z.number().check(z.int(), z.gte(0))),
  /** Provisioned concurrency on a `live` alias; API routes, rules and the queue then invoke the alias. */
  provisionedConcurrency: z.optional(z.number().check(z.int(), z.gte(1))),
});

export const stageSettingsSchema = z.strictObject({
  /** Keep the table, its key and the delivery bucket when the stack is deleted (prod). */
  retainData: z.boolean(),
  /** Days before delivered reports expire (noncurrent versions expire after 30 days). */
  deliveryRetentionDays: z.number().check(z.int(), z.gte(1)),
  apiThrottleRateLimit: z.number().check(z.positive()),
  apiThrottleBurstLimit: z.number().check(z.int(), z.positive()),
  /** CloudWatch Logs retention for functions and API access logs. */
  logRetentionDays: z._default(z.number().check(z.int(), z.positive()), 30),
  /** Most report-generate invocations the queue runs at once (SQS event source maxConcurrency, 2..1000). */
  reportConcurrency: z._default(z.number().check(z.int(), z.gte(2), z.lte(1000)), REPORT_QUEUE_SETTINGS.maxConcurrency),
  logLevel: z._default(z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']), 'INFO'),
  /** Days daily growth snapshots are kept (HISTORY_RETENTION_DAYS); omitted = forever. */
  historyRetentionDays: z.optional(z.number().check(z.int(), z.gte(1), z.lte(36_600))),
  /** A full per-video checkpoint at least every N days (HISTORY_CHECKPOINT_DAYS). */
  historyCheckpointDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(366)), 28),
  /**
   * NODE_OPTIONS=--enable-source-maps: stack traces in logs point at the TypeScript sources, but
   * Node then reads and parses the bundle's source map at every cold start (measured: ~+15-20% of
   * cold import time for report-generate). The .map ships in every asset either way.
   */
  sourceMapStackTraces: z._default(z.boolean(), true),
  /** Optional custom domain for the API (needs an ACM certificate in the stack's region). */
  domainName: z.optional(z.string().check(z.minLength(3))),
  certificateArn: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Optional e-mail subscribed to the alarm topic. */
  alarmEmail: z.optional(z.email()),
  /**
   * The shared TikTok app's limit per endpoint and minute (TIKTOK_QUOTA_PER_MINUTE), per-endpoint
   * overrides TikTok granted (TIKTOK_QUOTA_OVERRIDES, e.g. "video/list=1200") and how TikTok counts
   * it (TIKTOK_QUOTA_SCOPE): the functions govern by these, and the quota alarms watch them.
   */
  tiktokQuotaPerMinute: z._default(z.number().check(z.int(), z.positive()), 600),
  tiktokQuotaOverrides: z.optional(z.string()),
  tiktokQuotaScope: z._default(z.enum(['app', 'user']), 'app'),
  /** TikTok endpoints; the defaults are TikTok's own. */
  tiktokAuthBaseUrl: z._default(z.url(), 'https://www.tiktok.com'),
  tiktokApiBaseUrl: z._default(z.url(), 'https://open.tiktokapis.com'),
  functions: z._default(z.partialRecord(z.enum(functionNames), functionTuning), {}),
});

export type StageSettings = z.infer<typeof stageSettingsSchema>;

export interface StageConfig extends StageSettings {
  stage: string;
}

/** Top-level context keys that override the stage entry for one synth/deploy. */
const OVERRIDES = ['domainName', 'certificateArn', 'alarmEmail', 'reportConcurrency', 'logLevel'] as const;

export class StageConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StageConfigError';
  }
}

/** `tryGetContext` of a construct node, so this module needs no App (tests pass a plain function). */
export function readStageConfig(getContext: (key: string) => unknown): StageConfig {
  const stage = String(getContext('stage') ?? 'dev');
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(stage)) throw new StageConfigError(`Invalid stage name "${stage}" (lowercase letters, digits, dashes).`);
  const stages = (getContext('stages') ?? {}) as Record<string, unknown>;
  const entry = stages[stage];
  if (!entry || typeof entry !== 'object') {
    throw new StageConfigError(`No settings for stage "${stage}" in cdk.json context.stages (have: ${Object.keys(stages).join(', ') || 'none'}).`);
  }
  const merged: Record<string, unknown> = { ...(entry as Record<string, unknown>) };
  for (const key of OVERRIDES) {
    const value = getContext(key);
    if (value === undefined || value === '') continue;
    // `-c key=value` arrives as a string.
    merged[key] = key === 'reportConcurrency' ? Number(value) : value;
  }
  const parsed = stageSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StageConfigError(`Invalid context for stage "${stage}" at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (Boolean(parsed.data.domainName) !== Boolean(parsed.data.certificateArn)) {
    throw new StageConfigError('domainName and certificateArn go together: set both or neither.');
  }
  return { stage, ...parsed.data };
}

/** The governor's settings as deployed (the same env the functions read: shared/config.ts). */
export function quotaSettingsOf(config: StageSettings): QuotaSettings {
  return {
    ...DEFAULT_QUOTA_SETTINGS,
    perMinute: config.tiktokQuotaPerMinute,
    overrides: parseQuotaOverrides(config.tiktokQuotaOverrides),
    scope: config.tiktokQuotaScope,
  };
}
