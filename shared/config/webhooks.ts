/**
 * Webhook delivery settings (README "Configuration", docs/webhooks.md). The defaults that depend on
 * the stage (retry schedule, private targets) are applied by shared/webhooks/settings.ts.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

const flag = z.optional(z.union([z.literal(''), z.stringFormat('boolean', /^(1|0|true|false|yes|no)$/i)]));
const schedule = z.optional(
  z.string().check(
    z.refine((v) => {
      if (v.trim() === '') return true;
      const parts = v.split(',').map((p) => Number(p.trim()));
      return parts.length <= 20 && parts.every((n) => Number.isFinite(n) && n >= 0 && n <= 86_400);
    }, 'comma-separated seconds (0-86400), at most 20'),
  ),
);

export const webhooksEnv = z.object({
  STAGE: z._default(z.string(), 'local'),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: flag,
  WEBHOOK_RETRY_SCHEDULE: schedule,
  WEBHOOK_DISABLE_AFTER_HOURS: z._default(z.coerce.number().check(z.gte(0)), 120),
  /** At most 10 s: a delivery never holds webhook-deliver (60 s) for long. */
  WEBHOOK_TIMEOUT_MS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(10_000)), 10_000),
  WEBHOOK_QUEUE_URL: z.optional(z.string()),
  WEBHOOK_DLQ_URL: z.optional(z.string()),
});

export interface WebhookConfig {
  local: boolean;
  /** Unset: the stage's default. */
  allowPrivateTargets?: boolean;
  /** Unset: the stage's default. */
  retryScheduleSeconds?: number[];
  disableAfterHours: number;
  timeoutMs: number;
  queueUrl?: string;
  dlqUrl?: string;
}

export function readWebhookConfig(env: NodeJS.ProcessEnv = processEnv()): WebhookConfig {
  const e = parseEnv(webhooksEnv, env);
  const allow = e.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  const schedule = e.WEBHOOK_RETRY_SCHEDULE?.trim();
  return {
    local: e.STAGE === 'local',
    ...(allow ? { allowPrivateTargets: /^(1|true|yes)$/i.test(allow) } : {}),
    ...(schedule ? { retryScheduleSeconds: schedule.split(',').map((p) => Number(p.trim())) } : {}),
    disableAfterHours: e.WEBHOOK_DISABLE_AFTER_HOURS,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    queueUrl: e.WEBHOOK_QUEUE_URL || undefined,
    dlqUrl: e.WEBHOOK_DLQ_URL || undefined,
  };
}
