/**
 * Scheduled reports: one public entry. Definitions (validated with THE report schemas), EventBridge
 * expressions and next-run times, the schedule and run stores, the dispatcher and its slot claims.
 */
export * from './expression/index.ts';
export { scheduleBodySchema, schedulePatchSchema, type ScheduleBody, type ScheduleDefinition, type SchedulePatch } from './definition.ts';
export { SCHEDULE_LIMITS, RUN_STATUSES, scheduleView, type LastRun, type RunStatus, type ScheduleRecord, type ScheduleView } from './model.ts';
export {
  claimRun,
  getRun,
  leaseIndex,
  LEASE_SWEEP_MARGIN_MS,
  listRuns,
  runFromItem,
  runKey,
  runView,
  RUN_RETENTION_MS,
  WORKER_LOST_CODE,
  type RunError,
  type RunRecord,
  type RunStoreDeps,
  type RunView,
} from './runs.ts';
export { isSlot, manualSlot, scheduledSlot, slotTime } from './slots.ts';
export { advanceNextRun, getScheduleRecord, recordLastRun, ScheduleLimitError } from './store.ts';
export { dispatchDueSchedules, MAX_LEASE_SWEEPS_PER_TICK, REQUEUE_AFTER_MS, type DispatchDeps, type DispatchSummary } from './dispatch.ts';
export {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listScheduleRuns,
  listSchedules,
  runScheduleNow,
  scheduleNotFound,
  updateSchedule,
  UnknownDatasourceError,
  type ScheduleServiceDeps,
} from './service.ts';
export { defaultDispatchDeps, defaultScheduleServiceDeps } from './default-deps.ts';
