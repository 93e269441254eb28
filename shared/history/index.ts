/**
 * Growth history: one public entry for the snapshot side (capture, compact storage, retention, the
 * dispatcher hook, the queued job) and the report computation. The `history` report type itself
 * (report-type.ts, request.ts) is imported by the report registry and the API operations directly,
 * so the dispatcher and the queue consumer do not bundle the report and HTML-rendering stack.
 */
export { captureSnapshot, ttlFor, type CaptureDeps, type CaptureResult, type CapturedVideo, type SnapshotSource } from './capture.ts';
export { addDays, dayOf, eachDay, periodsCovering, type Day, type Granularity } from './days.ts';
export { dispatchDailySnapshots, parseSnapshotMessage, snapshotMessage, SNAPSHOT_SCHEDULE_PREFIX, type SnapshotDispatchDeps, type SnapshotDispatchSummary, type SnapshotJob } from './dispatch.ts';
export { defaultSnapshotJobDeps, dispatchSnapshotsFromDispatcher } from './defaults.ts';
export { runSnapshotJob, type SnapshotJobDeps, type SnapshotOutcome } from './job.ts';
export { computeHistory, HISTORY_METRICS, type HistoryData, type HistoryMetric, type HistoryQuery } from './report.ts';
export { readHistorySettings, type HistorySettings } from './settings.ts';
export { tiktokSnapshotSource } from './source.ts';
export { videoStateAt } from './replay.ts';
