/**
 * An export: a report run in the background, page by page across invocations, ending as one file
 * in S3. One item per export, `TENANT#<tenantId>` / `EXPORT#<id>`, so every read is by the tenant's
 * own key (another tenant's id is simply not found). The item is also the job's progress record.
 */
import { randomBytes } from 'node:crypto';

export const EXPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/** The bounds of one export (what any request can make the service do). */
export const EXPORT_LIMITS = {
  /** Videos fetched: 50,000 all-fields rows are ~40 MB of JSON, well inside report-generate's 1 GB. */
  maxRows: 50_000,
  /** TikTok pages: maxRows at the smallest sensible page (10) plus slack; a listing that never ends stops here. */
  maxPages: 5_100,
  /** The rendered file. */
  maxBytes: 100 * 1024 * 1024,
  /** Queued or running exports per tenant at once. */
  maxActivePerTenant: 3,
  /** Real failures (TikTok 5xx after its own retries, S3/DynamoDB errors) before the export fails. */
  maxAttempts: 5,
  /** Quota waits before the export fails (a day of 15-minute hops at worst). */
  maxWaits: 96,
  /** Pages per part object (20 videos a page: ~1,000 videos, ~0.8 MB all fields). */
  pagesPerPart: 50,
} as const;

/** Export items (and their finished files' metadata) are kept this long. */
export const EXPORT_RETENTION_MS = 30 * 86_400_000;

export interface ExportError {
  code: string;
  message: string;
}

export interface ExportRecord {
  id: string;
  tenantId: string;
  datasourceId: string;
  reportType: string;
  format: string;
  /** The validated report request (video-list: allPages forced on). */
  request: Record<string, unknown>;
  status: ExportStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  rows?: number;
  bytes?: number;
  s3Key?: string;
  error?: ExportError;
  /** Paging progress (video-list). */
  pages: number;
  fetched: number;
  /** TikTok cursor to continue from (undefined: from the request's cursor). */
  cursor?: number;
  /** Part objects written so far (parts/00000.json ...). */
  parts: number;
  /** Optimistic-concurrency counter of the progress. */
  version: number;
  attempts: number;
  waits: number;
  continuations: number;
  leaseOwner?: string;
  leaseUntil?: number;
  ttl?: number;
}

export interface ExportView {
  id: string;
  status: ExportStatus;
  datasourceId: string;
  reportType: string;
  format: string;
  rows?: number;
  bytes?: number;
  error?: ExportError;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  progress: { pages: number; rows: number; waits: number; retries: number };
  downloadUrl?: string;
  expiresAt?: string;
}

/** `exp_` + time (sortable, base36) + randomness: ids of one tenant list newest-first by key. */
export function newExportId(nowMs: number): string {
  return `exp_${nowMs.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

export const EXPORT_ID_PATTERN = /^exp_[0-9a-z]{9}[0-9a-f]{16}$/;

export const exportKey = (tenantId: string, id: string) => ({ pk: `TENANT#${tenantId}`, sk: `EXPORT#${id}` });

/** Where the finished file lands: `<tenantId>/exports/<YYYY>/<MM>/<DD>/<exportId>.<ext>` (the creation day, UTC). */
export function exportObjectKey(record: Pick<ExportRecord, 'tenantId' | 'id' | 'createdAt'>, extension: string): string {
  const [y, m, d] = record.createdAt.slice(0, 10).split('-');
  return [record.tenantId, 'exports', y, m, d, `${record.id}.${extension}`].join('/');
}

/**
 * Paging parts: `_parts/exports/<tenantId>/<exportId>/<n>.json` (a bucket lifecycle rule expires
 * `_parts/` after 2 days). The part number is the progress's count, so a try that died after writing
 * a part but before recording it overwrites that same key next time: no duplicate rows.
 */
export function exportPartKey(record: Pick<ExportRecord, 'tenantId' | 'id'>, n: number): string {
  return ['_parts', 'exports', record.tenantId, record.id, `${String(n).padStart(5, '0')}.json`].join('/');
}

export function exportFromItem(item: Record<string, unknown>): ExportRecord {
  const opt = <T>(v: unknown): T | undefined => (v === undefined || v === null ? undefined : (v as T));
  return {
    id: String(item.id),
    tenantId: String(item.tenantId),
    datasourceId: String(item.datasourceId),
    reportType: String(item.reportType),
    format: String(item.format),
    request: (item.request ?? {}) as Record<string, unknown>,
    status: item.status as ExportStatus,
    createdAt: String(item.createdAt),
    startedAt: opt(item.startedAt),
    finishedAt: opt(item.finishedAt),
    rows: opt(item.rows),
    bytes: opt(item.bytes),
    s3Key: opt(item.s3Key),
    error: opt(item.error),
    pages: Number(item.pages ?? 0),
    fetched: Number(item.fetched ?? 0),
    cursor: opt(item.cursor),
    parts: Number(item.parts ?? 0),
    version: Number(item.version ?? 0),
    attempts: Number(item.attempts ?? 0),
    waits: Number(item.waits ?? 0),
    continuations: Number(item.continuations ?? 0),
    leaseOwner: opt(item.leaseOwner),
    leaseUntil: opt(item.leaseUntil),
    ttl: opt(item.ttl),
  };
}

export function exportView(r: ExportRecord, link?: { downloadUrl: string; expiresAt: string }): ExportView {
  return {
    id: r.id,
    status: r.status,
    datasourceId: r.datasourceId,
    reportType: r.reportType,
    format: r.format,
    ...(r.rows !== undefined ? { rows: r.rows } : {}),
    ...(r.bytes !== undefined ? { bytes: r.bytes } : {}),
    ...(r.error ? { error: r.error } : {}),
    createdAt: r.createdAt,
    ...(r.startedAt ? { startedAt: r.startedAt } : {}),
    ...(r.finishedAt ? { finishedAt: r.finishedAt } : {}),
    progress: { pages: r.pages, rows: r.fetched, waits: r.waits, retries: r.attempts },
    ...(r.status === 'succeeded' && link ? link : {}),
  };
}
