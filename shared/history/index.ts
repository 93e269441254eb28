/**
 * Growth history: one public entry for the snapshot side (the capture lane: due-index sweep,
 * resumable capture job, ports and their DynamoDB and in-memory stores; compact storage,
 * retention) and the report computation. The `history` report type itself
 * (shared/reports/definitions/history.ts, shared/reports/request/history.ts: there, so history/
 * never imports reports/) is imported by the report registry and the API operations directly, so the
 * dispatcher and the queue consumer do not bundle the report and HTML-rendering stack.
 */
export { captureSnapshot, ttlFor, type CaptureDeps, type CaptureResult, type CapturedVideo, type SnapshotSource } from './capture.ts';
export { runCaptureJob, sanitizeCounter, type CaptureJobDeps, type CaptureJobOutcome, type CaptureJobSettings } from './capture-job.ts';
export { addDays, dayOf, eachDay, periodsCovering, type Day, type Granularity } from './days.ts';
export { parseSnapshotMessage, SNAPSHOT_SCHEDULE_PREFIX, type SnapshotJob } from './dispatch.ts';
export { defaultCaptureJobDeps, defaultCaptureStore, dispatchCapturesFromDispatcher } from './defaults.ts';
export { dynamoCaptureStore } from './dynamo-store.ts';
export { memoryCaptureStore, type MemoryCaptureStore } from './memory-store.ts';
export { assessCapacity, captureCalls, captureSlotMs, CAPTURE_WINDOW, capacityFromQuota, skipsVideosToday, type CaptureCapacitySettings } from './plan.ts';
export type { CaptureSession, CaptureSource, CaptureStore, DueEntry } from './ports.ts';
export { computeHistory, HISTORY_METRICS, type HistoryData, type HistoryMetric, type HistoryQuery } from './report.ts';
export { readHistorySettings, type HistorySettings } from './settings.ts';
export { tiktokCaptureSource } from './source.ts';
export { dispatchDueCaptures, scheduleCaptureNow, tickCallBudget, type CaptureSweepSummary } from './sweep.ts';
export { videoStateAt } from './replay.ts';
