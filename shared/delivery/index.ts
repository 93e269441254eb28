/** Deliveries: executing one scheduled run (report -> render -> one S3 PutObject) and recording it. */
export { executeRun, type RunOutcome } from './execute-run.ts';
export { deliveryKey } from './object-key.ts';
export { classifyFailure, retryDelaySeconds } from './failure.ts';
export { headDelivery, putDelivery } from './writer.ts';
export { acquireRunLease } from './run-lifecycle.ts';
export { defaultDeliveryDeps, RUN_LEASE_MS } from './default-deps.ts';
