/**
 * Growth history: one public entry for the snapshot side (the capture lane: due-index sweep,
 * resumable capture job, ports and their DynamoDB and in-memory stores; compact storage,
 * retention) and the report computation. The `history` report type itself
 * (shared/reports/definitions/history.ts, shared/reports/request/history.ts: there, so history/
 * never imports reports/) is imported by the report registry and the API operations directly, so the
 * dispatcher and the queue consumer do not bundle the report and HTML-rendering stack.
 */
export { runCaptureJob } from './capture-job.ts';
export { parseSnapshotMessage } from './dispatch.ts';
export { defaultCaptureJobDeps, dispatchCapturesFromDispatcher } from './defaults.ts';
export { captureCalls, CAPTURE_WINDOW } from './plan.ts';
export { tiktokCaptureSource } from './source.ts';
export { dispatchDueCaptures, tickCallBudget } from './sweep.ts';
