/** Snapshot history settings (README "Configuration", docs/lake.md): retention and checkpoint interval. */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { parseEnv, processEnv } from './env.ts';

export const historyEnv = z.object({
  HISTORY_RETENTION_DAYS: z.optional(z.union([z.literal(''), z.literal('forever'), z.coerce.number().check(z.int(), z.gte(1), z.lte(36_600))])),
  HISTORY_CHECKPOINT_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(366)), 28),
});

export interface HistoryConfig {
  /** Days a snapshot is kept; undefined = forever (no TTL attribute is written). */
  retentionDays?: number;
  /** A full per-video checkpoint at least every N days; deltas in between. */
  checkpointEveryDays: number;
}

export function readHistoryConfig(env: NodeJS.ProcessEnv = processEnv()): HistoryConfig {
  const e = parseEnv(historyEnv, env);
  const r = e.HISTORY_RETENTION_DAYS;
  return { retentionDays: typeof r === 'number' ? r : undefined, checkpointEveryDays: e.HISTORY_CHECKPOINT_DAYS };
}
