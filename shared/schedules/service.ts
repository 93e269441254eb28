/**
 * The schedule API's domain operations: create, read, list, change, delete, run now, run history.
 * Every read and write is inside the tenant's own partition, so another tenant's id is 404.
 */
import { AppError, NotFoundError, ValidationError } from '../errors.ts';
import type { ReportQueue } from '../queue/index.ts';
import { definitionFromBody, definitionFromMerged, mergePatch, type ScheduleBody, type ScheduleDefinition, type SchedulePatch } from './definition.ts';
import { nextRunAfter, rateAnchor } from './expression/index.ts';
import { scheduleView, type ScheduleRecord, type ScheduleView } from './model.ts';
import { claimRun, listRuns, runView, type RunView } from './runs.ts';
import { tryLink, type DownloadSigner } from '../store/download.ts';
import { manualSlot } from './slots.ts';
import { deleteScheduleItem, getScheduleRecord, listScheduleRecords, putNewSchedule, updateScheduleDefinition, type StoreDeps } from './store.ts';

export interface ScheduleServiceDeps extends StoreDeps {
  now(): number;
  ids: { scheduleId(): string; manualSuffix(): string };
  /** Resolves when the tenant owns the datasource; throws a 404 otherwise. */
  assertDatasource(tenantId: string, datasourceId: string): Promise<void>;
  queue(): ReportQueue;
  /** Signs download URLs of delivered files (absent: runs carry no downloadUrl). */
  signer?(): DownloadSigner | undefined;
}

/** 404 naming the member, for a datasource that is unknown or another tenant's. */
export class UnknownDatasourceError extends AppError {
  constructor(datasourceId: string) {
    super('not_found', 'datasource_not_found', `Invalid datasourceId: datasource ${datasourceId} was not found.`, { field: 'datasourceId' });
    this.name = 'UnknownDatasourceError';
  }
}

export function scheduleNotFound(scheduleId: string): NotFoundError {
  return new NotFoundError(`Schedule ${scheduleId} was not found.`, 'schedule_not_found');
}

async function checkDatasource(deps: ScheduleServiceDeps, tenantId: string, datasourceId: string): Promise<void> {
  try {
    await deps.assertDatasource(tenantId, datasourceId);
  } catch (err) {
    if (err instanceof AppError && err.kind === 'not_found') throw new UnknownDatasourceError(datasourceId);
    throw err;
  }
}

/** The first run after `fromMs`, or a 400 when the expression never fires again. */
function firstRun(def: ScheduleDefinition, fromMs: number, anchorMs: number): string {
  const next = nextRunAfter(def.expression, fromMs, { timezone: def.timezone, anchorMs });
  if (next === undefined) {
    throw new ValidationError(`Invalid schedule: ${def.schedule} has no run after ${new Date(fromMs).toISOString()} (check the year and day fields).`, 'schedule');
  }
  return new Date(next).toISOString();
}

function definitionOf(record: ScheduleRecord): Record<string, unknown> {
  return {
    ...record.request,
    name: record.name,
    datasourceId: record.datasourceId,
    reportType: record.reportType,
    schedule: record.schedule,
    timezone: record.timezone,
    enabled: record.enabled,
  };
}

export async function createSchedule(deps: ScheduleServiceDeps, tenantId: string, body: ScheduleBody): Promise<ScheduleView> {
  const def = definitionFromBody(body);
  await checkDatasource(deps, tenantId, def.datasourceId);
  const nowMs = deps.now();
  const now = new Date(nowMs).toISOString();
  const anchorMs = rateAnchor(nowMs);
  // Validated even when disabled: a schedule that can never fire is a mistake worth a 400.
  const nextRunAt = firstRun(def, nowMs, anchorMs);
  const record: ScheduleRecord = {
    id: deps.ids.scheduleId(),
    tenantId,
    name: def.name,
    datasourceId: def.datasourceId,
    reportType: def.reportType,
    request: def.request,
    schedule: def.schedule,
    timezone: def.timezone,
    enabled: def.enabled,
    anchorAt: new Date(anchorMs).toISOString(),
    ...(def.enabled ? { nextRunAt } : {}),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await putNewSchedule(deps, record);
  return scheduleView(record);
}

export async function readSchedule(deps: ScheduleServiceDeps, tenantId: string, scheduleId: string): Promise<ScheduleRecord> {
  const record = await getScheduleRecord(deps, tenantId, scheduleId);
  if (!record) throw scheduleNotFound(scheduleId);
  return record;
}

export async function getSchedule(deps: ScheduleServiceDeps, tenantId: string, scheduleId: string): Promise<ScheduleView> {
  return scheduleView(await readSchedule(deps, tenantId, scheduleId));
}

export async function listSchedules(
  deps: ScheduleServiceDeps,
  tenantId: string,
  options: { limit: number; nextToken?: string },
): Promise<{ items: ScheduleView[]; nextToken?: string }> {
  const page = await listScheduleRecords(deps, tenantId, options);
  return { items: page.items.map(scheduleView), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}

/**
 * Merges the PATCH into the stored schedule and validates the result as a whole, as on create. When
 * the timing changes (expression, time zone, or re-enabling), the next run is recomputed from now
 * (and a rate is re-anchored on a new expression); otherwise the pending next run is kept.
 */
export async function updateSchedule(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
  patch: SchedulePatch,
): Promise<ScheduleView> {
  const current = await readSchedule(deps, tenantId, scheduleId);
  const def = definitionFromMerged(mergePatch(definitionOf(current), patch));
  if (def.datasourceId !== current.datasourceId) await checkDatasource(deps, tenantId, def.datasourceId);
  const nowMs = deps.now();
  const expressionChanged = def.schedule !== current.schedule;
  const timing = expressionChanged || def.timezone !== current.timezone || def.enabled !== current.enabled;
  const anchorMs = expressionChanged ? rateAnchor(nowMs) : Date.parse(current.anchorAt);
  const nextRunAt = timing ? firstRun(def, nowMs, anchorMs) : current.nextRunAt;
  const record: ScheduleRecord = {
    ...current,
    name: def.name,
    datasourceId: def.datasourceId,
    reportType: def.reportType,
    request: def.request,
    schedule: def.schedule,
    timezone: def.timezone,
    enabled: def.enabled,
    anchorAt: new Date(anchorMs).toISOString(),
    nextRunAt: def.enabled ? nextRunAt : undefined,
    updatedAt: new Date(nowMs).toISOString(),
    version: current.version + 1,
  };
  await updateScheduleDefinition(deps, record, current.version, timing);
  return scheduleView(record);
}

export async function deleteSchedule(deps: ScheduleServiceDeps, tenantId: string, scheduleId: string): Promise<void> {
  if (!(await deleteScheduleItem(deps, tenantId, scheduleId))) throw scheduleNotFound(scheduleId);
}

/** "Run now": a manual slot of its own, queued like a scheduled one. The schedule's timing is untouched. */
export async function runScheduleNow(deps: ScheduleServiceDeps, tenantId: string, scheduleId: string): Promise<RunView> {
  const schedule = await readSchedule(deps, tenantId, scheduleId);
  const nowMs = deps.now();
  const slot = manualSlot(nowMs, deps.ids.manualSuffix());
  const claim = await claimRun(deps, { tenantId, scheduleId: schedule.id, slot, trigger: 'manual', dueAt: new Date(nowMs).toISOString() }, nowMs);
  if (!claim.claimed) throw new AppError('conflict', 'run_exists', `A run for slot ${slot} exists already; try again.`);
  await deps.queue().send([{ tenantId, scheduleId: schedule.id, slot }]);
  return runView(claim.run);
}

export async function listScheduleRuns(
  deps: ScheduleServiceDeps,
  tenantId: string,
  scheduleId: string,
  options: { limit: number; nextToken?: string },
): Promise<{ items: Array<RunView & { downloadUrl?: string; downloadExpiresAt?: string }>; nextToken?: string }> {
  await readSchedule(deps, tenantId, scheduleId);
  const nowMs = deps.now();
  const page = await listRuns(deps, scheduleId, { ...options, nowMs });
  const signer = deps.signer?.();
  const items = page.items.map((run) => {
    const link = run.status === 'succeeded' ? tryLink(signer, run.s3Key, nowMs) : undefined;
    return { ...runView(run), ...(link ? { downloadUrl: link.downloadUrl, downloadExpiresAt: link.expiresAt } : {}) };
  });
  return { items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
}
