/** Deliveries: executing one scheduled run (report -> render -> one S3 PutObject) and recording it. */
export { executeRun, ScheduleGoneError, type AttemptInfo, type DeliveryDeps, type ReportPort, type RunOutcome } from './execute-run.ts';
export { deliveryKey } from './object-key.ts';
export { classifyFailure, retryDelaySeconds, type FailureClass } from './failure.ts';
export { headDelivery, putDelivery, type DeliveryObject } from './writer.ts';
export { acquireRunLease, markRunFailed, markRunForRetry, markRunSucceeded, renewRunLease } from './run-lifecycle.ts';
export { defaultDeliveryDeps, reportPort, RUN_LEASE_HEARTBEAT_MS, RUN_LEASE_MS } from './default-deps.ts';
