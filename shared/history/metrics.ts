/** Powertools metric names of the capture lane (namespace/service as every function emits; alarms in infra/constructs/observability.ts). */
export const SNAPSHOT_METRICS = {
  namespace: 'TikTokConnector',
  service: 'tiktok-connector',
  /** Calls the remaining captures of the day need beyond the background capacity left in it (0: they fit). */
  overrunCalls: 'SnapshotBacklogOverrunCalls',
  /** Hours the remaining captures take at the background rate. */
  hoursToFinish: 'SnapshotBacklogHoursToFinish',
  /** Days given up (they stay null in the history). */
  daysLost: 'SnapshotDaysLost',
  queued: 'SnapshotCapturesQueued',
  /** A committed day whose lake files could not be written (the history has it; lake:backfill rewrites it). */
  lakeWriteFailed: 'LakeWriteFailed',
} as const;
