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
