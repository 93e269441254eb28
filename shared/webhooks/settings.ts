/**
 * Webhook settings: the validated environment (shared/config/webhooks.ts, README "Configuration",
 * docs/webhooks.md) with the stage's defaults. Only the functions that deliver or validate webhooks
 * parse them.
 */
import { readWebhookConfig } from '../config/webhooks.ts';

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

export function readWebhookSettings(env?: NodeJS.ProcessEnv): WebhookSettings {
  const c = readWebhookConfig(env);
  return {
    allowPrivateTargets: c.allowPrivateTargets ?? c.local,
    retryScheduleSeconds: c.retryScheduleSeconds ?? (c.local ? LOCAL_RETRY_SCHEDULE : AWS_RETRY_SCHEDULE),
    disableAfterMs: c.disableAfterHours * 3_600_000,
    timeoutMs: c.timeoutMs,
    queueUrl: c.queueUrl,
    dlqUrl: c.dlqUrl,
  };
}
