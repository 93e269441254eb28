/**
 * History settings: the environment part (retention, checkpoint interval) from the validated config
 * (shared/config/history.ts, README "Configuration"), plus the chunk size the store is built for.
 */
import { readHistoryConfig } from '../config/history.ts';
import { DEFAULT_CHUNK_BYTES } from './videos.ts';

export interface HistorySettings {
  /** Days a snapshot is kept; undefined = forever (no TTL attribute is written). */
  retentionDays?: number;
  /** A full per-video checkpoint at least every N days; deltas in between. */
  checkpointEveryDays: number;
  /** Byte budget of one per-video chunk item (DynamoDB's item limit is 400 KB). */
  chunkBytes: number;
}

export function readHistorySettings(env?: NodeJS.ProcessEnv): HistorySettings {
  return { ...readHistoryConfig(env), chunkBytes: DEFAULT_CHUNK_BYTES };
}
