/** The report queue's one message: "run this slot of this schedule". */
import * as z from 'zod/mini';
import '../zod-locale.ts';

export const runMessageSchema = z.strictObject({
  tenantId: z.string().check(z.minLength(1), z.maxLength(128)),
  scheduleId: z.string().check(z.minLength(1), z.maxLength(128)),
  slot: z.string().check(z.minLength(1), z.maxLength(64)),
});

export type RunMessage = z.infer<typeof runMessageSchema>;

/** Parses a message body; undefined when it is not a run message (it then ends in the DLQ). */
export function parseRunMessage(body: string): RunMessage | undefined {
  try {
    const parsed = runMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The report queue's second message: "work on this export" (shared/exports). Exports ride the report
 * queue to report-generate rather than a queue of their own: that function already holds exactly
 * the permissions an export needs (tokens, TikTok secret, the delivery bucket), and the queue is
 * fair per tenant (MessageGroupId), so one tenant's long export never holds back another tenant's
 * deliveries. An export never holds a worker long either: each message is one invocation's worth of
 * pages, and the job sends its own continuation. Progress and attempts live on the export item.
 */
export const exportMessageSchema = z.strictObject({
  kind: z.literal('export'),
  tenantId: z.string().check(z.minLength(1), z.maxLength(128)),
  exportId: z.string().check(z.regex(/^exp_[0-9a-z]{9}[0-9a-f]{16}$/)),
});

export type ExportMessage = z.infer<typeof exportMessageSchema>;

/**
 * The report queue's third message: "evaluate this alert for this slot" (shared/alerts, queued by the
 * dispatcher's tick). Defined here with the others so a send of any of them needs no cast.
 */
export const alertMessageSchema = z.strictObject({
  kind: z.literal('alert'),
  tenantId: z.string().check(z.minLength(1), z.maxLength(128)),
  alertId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
  slot: z.string().check(z.maxLength(64)),
});

export type AlertMessage = z.infer<typeof alertMessageSchema>;

/** Anything the report queue carries. */
export type QueueMessage = RunMessage | ExportMessage | AlertMessage;

export function parseExportMessage(body: string): ExportMessage | undefined {
  try {
    const parsed = exportMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function parseAlertMessage(body: string): AlertMessage | undefined {
  try {
    const parsed = alertMessageSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
