/**
 * Webhook settings from the environment (README "Configuration", docs/webhooks.md). Read here, not in
 * shared/config.ts, so only the functions that deliver or validate webhooks parse them.
 */
export interface WebhookSettings {
  /** Local runtime: http and loopback/private targets allowed (never link-local or metadata). */
  allowPrivateTargets: boolean;
  /** Seconds to wait before try 2, 3, ...; its length + 1 is the number of tries. */
  retryScheduleSeconds: number[];
  /** A subscription whose deliveries have failed without a success for this long is disabled. */
  disableAfterMs: number;
  timeoutMs: number;
  queueUrl?: string;
  dlqUrl?: string;
}

/** About 27 hours of tries in AWS (Standard Webhooks' suggested back-off shape). */
export const AWS_RETRY_SCHEDULE = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];
/** Faster locally, so a person sees the whole life of a failing delivery in a few minutes. */
export const LOCAL_RETRY_SCHEDULE = [1, 5, 30, 120];

export const WEBHOOK_LIMITS = {
  maxSubscriptionsPerTenant: 20,
  maxEvents: 20,
  maxUrlLength: 2_048,
  maxDescriptionLength: 500,
  /** A delivered body; alert rows are cut to fit. */
  maxBodyBytes: 64 * 1024,
  /** Response text kept in the attempt log. */
  maxResponseSnippet: 200,
  /** Attempt log items expire after this many days. */
  attemptRetentionDays: 30,
  pageMax: 100,
  pageDefault: 20,
  /** Previous secret keeps signing this long after a rotation. */
  rotationOverlapMs: 24 * 3_600_000,
} as const;

function bool(v: string | undefined, fallback: boolean): boolean {
  if (v === undefined || v === '') return fallback;
  return /^(1|true|yes)$/i.test(v.trim());
}

function schedule(v: string | undefined, fallback: number[]): number[] {
  if (!v || v.trim() === '') return fallback;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.length > 20 || parts.some((n) => !Number.isFinite(n) || n < 0 || n > 86_400)) {
    throw new Error(`Invalid WEBHOOK_RETRY_SCHEDULE "${v}": comma-separated seconds (0-86400), at most 20`);
  }
  return parts;
}

export function readWebhookSettings(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const local = (env.STAGE ?? 'local') === 'local';
  const hours = Number(env.WEBHOOK_DISABLE_AFTER_HOURS ?? 120);
  const timeout = Number(env.WEBHOOK_TIMEOUT_MS ?? 10_000);
  return {
    allowPrivateTargets: bool(env.WEBHOOK_ALLOW_PRIVATE_TARGETS, local),
    retryScheduleSeconds: schedule(env.WEBHOOK_RETRY_SCHEDULE, local ? LOCAL_RETRY_SCHEDULE : AWS_RETRY_SCHEDULE),
    disableAfterMs: (Number.isFinite(hours) && hours >= 0 ? hours : 120) * 3_600_000,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? Math.min(timeout, 10_000) : 10_000,
    queueUrl: env.WEBHOOK_QUEUE_URL || undefined,
    dlqUrl: env.WEBHOOK_DLQ_URL || undefined,
  };
}
