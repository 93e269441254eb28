/**
 * Growth history: one public entry. Daily snapshots (capture, compact storage, retention), the
 * dispatcher hook and the queued job, and the history report.
 */
export { captureSnapshot, ttlFor, type CaptureDeps, type CaptureResult, type CapturedVideo, type SnapshotSource } from './capture.ts';
export { addDays, dayOf, eachDay, periodsCovering, type Day, type Granularity } from './days.ts';
export { dispatchDailySnapshots, parseSnapshotMessage, snapshotMessage, SNAPSHOT_SCHEDULE_PREFIX, type SnapshotDispatchDeps, type SnapshotDispatchSummary, type SnapshotJob } from './dispatch.ts';
export { defaultSnapshotJobDeps, dispatchSnapshotsFromDispatcher } from './defaults.ts';
export { runSnapshotJob, type SnapshotJobDeps, type SnapshotOutcome } from './job.ts';
export { computeHistory, HISTORY_METRICS, type HistoryData, type HistoryMetric, type HistoryQuery } from './report.ts';
export { historyReport } from './report-type.ts';
export { historyRequestSchema, DEFAULT_HISTORY_QUERY, MAX_HISTORY_DAYS } from './request.ts';
export { readHistorySettings, type HistorySettings } from './settings.ts';
export { tiktokSnapshotSource } from './source.ts';
export { videoStateAt } from './replay.ts';
