/** Export job knobs (README "Configuration"). */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

export const exportsEnv = z.object({
  /** Most TikTok pages one invocation fetches before it queues its continuation; unset: the deadline decides. */
  REPORT_EXPORT_PAGES_PER_INVOCATION: z.optional(z.union([z.literal(''), z.coerce.number().check(z.int(), z.positive())])),
});

/** Pages per invocation: unset = as many as the deadline allows. */
export function readExportPagesPerInvocation(env: NodeJS.ProcessEnv = processEnv()): number {
  const n = parseEnv(exportsEnv, env).REPORT_EXPORT_PAGES_PER_INVOCATION;
  return typeof n === 'number' ? n : Number.POSITIVE_INFINITY;
}
