/**
 * Scheduled reports: one public entry. Definitions (validated with THE report schemas), EventBridge
 * expressions and next-run times, the schedule and run stores, the dispatcher and its slot claims.
 */
export * from './expression/index.ts';
export { scheduleBodySchema, schedulePatchSchema } from './definition.ts';
export { SCHEDULE_LIMITS, RUN_STATUSES } from './model.ts';
export {
  claimRun,
  getRun,
  leaseIndex,
  LEASE_SWEEP_MARGIN_MS,
  listRuns,
  runFromItem,
  runKey,
  WORKER_LOST_CODE,
  type RunError,
  type RunRecord,
  type RunStoreDeps,
  } from './runs.ts';
export { slotTime } from './slots.ts';
export { advanceNextRun, getScheduleRecord, recordLastRun } from './store.ts';
export { dispatchDueSchedules, type DispatchDeps, type DispatchSummary } from './dispatch.ts';
export {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listScheduleRuns,
  listSchedules,
  runScheduleNow,
  updateSchedule,
  } from './service.ts';
export { defaultDispatchDeps, defaultScheduleServiceDeps } from './default-deps.ts';
