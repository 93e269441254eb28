/** The report queue's one message: "run this slot of this schedule". */
import * as z from 'zod';

export const runMessageSchema = z.strictObject({
  tenantId: z.string().min(1).max(128),
  scheduleId: z.string().min(1).max(128),
  slot: z.string().min(1).max(64),
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
