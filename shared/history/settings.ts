/**
 * History settings, from the environment (README "Configuration"), validated with zod so a
 * mis-set value fails at the first request. Kept beside the concern rather than in shared/config
 * because nothing else reads them.
 */
import * as z from 'zod/mini';
import '../zod-locale.ts';
import { DEFAULT_CHUNK_BYTES } from './videos.ts';

export interface HistorySettings {
  /** Days a snapshot is kept; undefined = forever (no TTL attribute is written). */
  retentionDays?: number;
  /** A full per-video checkpoint at least every N days; deltas in between. */
  checkpointEveryDays: number;
  /** Byte budget of one per-video chunk item (DynamoDB's item limit is 400 KB). */
  chunkBytes: number;
}

const envSchema = z.object({
  HISTORY_RETENTION_DAYS: z.optional(z.union([z.literal(''), z.literal('forever'), z.coerce.number().check(z.int(), z.gte(1), z.lte(36_600))])),
  HISTORY_CHECKPOINT_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(366)), 28),
});

export function readHistorySettings(env: NodeJS.ProcessEnv = process.env): HistorySettings {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const r = parsed.data.HISTORY_RETENTION_DAYS;
  return {
    retentionDays: typeof r === 'number' ? r : undefined,
    checkpointEveryDays: parsed.data.HISTORY_CHECKPOINT_DAYS,
    chunkBytes: DEFAULT_CHUNK_BYTES,
  };
}
