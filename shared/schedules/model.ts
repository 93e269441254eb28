/**
 * A schedule: a stored report request (report type, datasource, the request members exactly as the
 * report API takes them) plus an EventBridge expression, a time zone and an on/off switch.
 *
 * Stored as `TENANT#<tenantId>` / `SCHED#<id>`. While enabled and due again, it also carries the
 * gsi1 attributes (`DUE#<shard>`, `<nextRunAt>#<tenantId>#<id>`): the dispatcher's "due work by
 * time" index is sparse, so disabled or finished schedules cost it nothing.
 */
import { keys } from '../store/table.ts';

export const SCHEDULE_LIMITS = {
  maxPerTenant: 100,
  nameMaxLength: 100,
  pageDefault: 25,
  pageMax: 100,
} as const;

/** gsi1 partitions the due index is spread over (each dispatch queries all of them). */
export const DUE_SHARDS = 4;
export const DUE_PREFIX = 'DUE#';
export const SCHEDULE_SK_PREFIX = 'SCHED#';
export const SCHEDULE_ITEM_TYPE = 'schedule';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface LastRun {
  slot: string;
  status: RunStatus;
  at: string;
  s3Key?: string;
  error?: string;
}

export interface ScheduleRecord {
  id: string;
  tenantId: string;
  name: string;
  datasourceId: string;
  reportType: string;
  /** The report request members the caller gave, normalised by the report schema (fields as an array). */
  request: Record<string, unknown>;
  schedule: string;
  timezone: string;
  enabled: boolean;
  /** Rate anchor (ISO): creation or the last change of the timing. */
  anchorAt: string;
  /** ISO; absent when the expression has no future run (e.g. its years are over). */
  nextRunAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Bumped by every API write; PATCH/DELETE are conditioned on it. */
  version: number;
  lastRun?: LastRun;
}

/** What the API answers: the request members flattened beside the schedule's own, as they were sent. */
export interface ScheduleView extends Record<string, unknown> {
  id: string;
  name: string;
  datasourceId: string;
  reportType: string;
  schedule: string;
  timezone: string;
  enabled: boolean;
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastRun: LastRun | null;
}

export function scheduleKey(tenantId: string, scheduleId: string): { pk: string; sk: string } {
  return keys.schedule(tenantId, scheduleId);
}

/**
 * Per-tenant schedule counter, so the 100-schedule limit holds under concurrent creates without
 * transactions (a conditional ADD, compensated if the schedule put then fails).
 */
export function scheduleCounterKey(tenantId: string): { pk: string; sk: string } {
  return { pk: keys.tenant(tenantId).pk, sk: 'SCHEDCOUNT' };
}

/** FNV-1a: a stable, cheap spread of schedule ids over the due shards. */
export function dueShard(scheduleId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < scheduleId.length; i += 1) {
    h ^= scheduleId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % DUE_SHARDS;
}

export function dueIndex(record: Pick<ScheduleRecord, 'id' | 'tenantId' | 'nextRunAt'>): { gsi1pk: string; gsi1sk: string } | undefined {
  if (!record.nextRunAt) return undefined;
  return { gsi1pk: `${DUE_PREFIX}${dueShard(record.id)}`, gsi1sk: `${record.nextRunAt}#${record.tenantId}#${record.id}` };
}

export function recordToItem(record: ScheduleRecord): Record<string, unknown> {
  const due = record.enabled ? dueIndex(record) : undefined;
  return { ...scheduleKey(record.tenantId, record.id), type: SCHEDULE_ITEM_TYPE, ...record, ...(due ?? {}) };
}

export function recordFromItem(item: Record<string, unknown>): ScheduleRecord {
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    name: String(item.name),
    datasourceId: String(item.datasourceId),
    reportType: String(item.reportType),
    request: (item.request ?? {}) as Record<string, unknown>,
    schedule: String(item.schedule),
    timezone: String(item.timezone),
    enabled: item.enabled === true,
    anchorAt: String(item.anchorAt),
    nextRunAt: typeof item.nextRunAt === 'string' ? item.nextRunAt : undefined,
    createdAt: String(item.createdAt),
    updatedAt: String(item.updatedAt),
    version: Number(item.version ?? 0),
    lastRun: (item.lastRun as LastRun | undefined) ?? undefined,
  };
}

export function scheduleView(record: ScheduleRecord): ScheduleView {
  return {
    id: record.id,
    name: record.name,
    datasourceId: record.datasourceId,
    reportType: record.reportType,
    ...record.request,
    schedule: record.schedule,
    timezone: record.timezone,
    enabled: record.enabled,
    nextRunAt: record.enabled ? (record.nextRunAt ?? null) : null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastRun: record.lastRun ?? null,
  };
}
