/**
 * One export message (report queue -> report-generate): take the export's lease, fetch what is
 * left within this invocation, keep it (part objects + the progress on the item), and say what
 * comes next. Modelled on the snapshot capture job (shared/history/capture-job.ts):
 *
 *   done      succeeded or failed for good (the item says which);
 *   continue  the invocation's budget ran out: send the message again now (not a failure);
 *   wait      no TikTok quota (QuotaExhaustedError, TikTok 429): send it again after
 *             `delaySeconds`; no attempt spent;
 *   retry     a real failure (TikTok 5xx after its own retries, S3/DynamoDB): attempts + 1, backoff;
 *   skipped   nothing to do here (finished, unknown, or another worker holds the lease).
 *
 * wait / retry / failed are decided by the shared outcome flow (shared/runs/outcome.ts).
 *
 * A video-list export pages from the saved cursor: a resumed export never refetches a page whose
 * videos were saved. Only a crash between two saves (the Lambda killed) refetches the pages since
 * the last part, and the final assembly drops repeated video ids.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { ReportPort } from '../delivery/execute-run.ts';
import { putDelivery } from '../delivery/writer.ts';
import { AppError } from '../errors.ts';
import { deadlinePassed } from '../lambda/deadline.ts';
import type { ExportMessage } from '../queue/message.ts';
import { columnsOf } from '../report-result/shape.ts';
import type { ReportResult } from '../report-result/types.ts';
import { decideAfterFailure, type OutcomeSettings } from '../runs/outcome.ts';
import { EXPORT_LIMITS, exportObjectKey, exportPartKey, type ExportError, type ExportRecord } from './model.ts';
import { acquireExport, getExport, updateExport, type ExportStoreDeps } from './store.ts';

type Video = Record<string, unknown>;

export interface VideoPage {
  videos: Video[];
  cursor?: number;
  hasMore: boolean;
}

/** TikTok video/list for one export, inside one token session (scopes checked before any call). */
export interface VideoPager {
  open(
    ref: { tenantId: string; datasourceId: string; fields: string[] },
    work: (page: (cursor: number | undefined, maxCount: number) => Promise<VideoPage>, displayName?: string) => Promise<void>,
  ): Promise<void>;
}

export interface ExportJobSettings {
  leaseMs: number;
  /** Pages per invocation at most (besides the deadline): bounds one invocation's work. */
  pagesPerInvocation: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  maxDelaySeconds: number;
}

export interface ExportJobDeps {
  store: ExportStoreDeps;
  s3: S3Client;
  bucketName: string;
  /** App clock (timestamps, leases); deadlines are wall clock (Date.now()). */
  now(): number;
  newOwner(): string;
  reports: ReportPort;
  pager: VideoPager;
  runCloud9QL(query: string, input: unknown): Record<string, unknown>[];
  defaultQuery(reportType: string): string;
  settings: ExportJobSettings;
  random?: () => number;
}

export type ExportOutcome =
  | { kind: 'done'; status: 'succeeded' | 'failed'; rows?: number; bytes?: number; error?: ExportError }
  | { kind: 'continue' | 'wait' | 'retry'; delaySeconds: number; error?: ExportError }
  | { kind: 'skipped'; reason: 'unknown' | 'finished' | 'busy' | 'superseded' };

/** export_too_large (kind too_large): the export is over one of EXPORT_LIMITS (permanent: trying again cannot help). */
export class ExportTooLargeError extends AppError {
  constructor(message: string, details: Record<string, unknown>) {
    super('too_large', 'export_too_large', message, { details });
    this.name = 'ExportTooLargeError';
  }
}

class Superseded extends Error {}

/** An export in the shared outcome flow (shared/runs/outcome.ts): TikTok's 429 waits too, up to EXPORT_LIMITS.maxWaits times. */
function outcomeSettings(settings: ExportJobSettings): OutcomeSettings {
  const { retryBaseSeconds, retryMaxSeconds, maxDelaySeconds } = settings;
  return {
    subject: 'The export',
    maxAttempts: EXPORT_LIMITS.maxAttempts,
    retryBaseSeconds,
    retryMaxSeconds,
    maxDelaySeconds,
    quotaWait: { tiktokRateLimit: true, floorSeconds: 1, jitterSeconds: 0, maxWaits: EXPORT_LIMITS.maxWaits },
  };
}

async function readPart(deps: ExportJobDeps, key: string): Promise<Video[]> {
  const res = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucketName, Key: key }));
  return JSON.parse(await res.Body!.transformToString('utf8')) as Video[];
}

async function writePart(deps: ExportJobDeps, key: string, videos: Video[]): Promise<void> {
  const body = Buffer.from(JSON.stringify(videos), 'utf8');
  await deps.s3.send(
    new PutObjectCommand({
      Bucket: deps.bucketName,
      Key: key,
      Body: body,
      ContentLength: body.byteLength,
      ContentType: 'application/json',
    }),
  );
}

export async function runExportJob(deps: ExportJobDeps, message: ExportMessage, opts: { deadlineMs: number }): Promise<ExportOutcome> {
  const ref = { tenantId: message.tenantId, id: message.exportId };
  const owner = deps.newOwner();
  const acquired = await acquireExport(deps.store, ref, owner, deps.now(), deps.settings.leaseMs);
  if (!acquired) {
    const current = await getExport(deps.store, ref, deps.now());
    if (!current) return { kind: 'skipped', reason: 'unknown' };
    return { kind: 'skipped', reason: current.status === 'succeeded' || current.status === 'failed' ? 'finished' : 'busy' };
  }
  let record: ExportRecord = acquired;
  const request = record.request;
  const fields = Array.isArray(request.fields) ? (request.fields as string[]) : [];
  const pending: Video[] = [];
  let displayName: string | undefined;
  let dirty = false;

  /** Saves what was fetched since the last save: the part first, then the progress that counts it. */
  const flush = async (): Promise<void> => {
    if (!dirty) return;
    const parts = pending.length > 0 ? record.parts + 1 : record.parts;
    if (pending.length > 0) await writePart(deps, exportPartKey(record, record.parts), pending);
    const progress = { pages: record.pages, fetched: record.fetched, parts, version: record.version + 1, ...(record.cursor !== undefined ? { cursor: record.cursor } : {}) };
    if (!(await updateExport(deps.store, ref, owner, progress, [], record.version))) throw new Superseded();
    record = { ...record, ...progress };
    pending.length = 0;
    dirty = false;
  };

  const release = async (set: Record<string, unknown>): Promise<void> => {
    await updateExport(deps.store, ref, owner, set, ['leaseOwner', 'leaseUntil']);
  };

  const fail = async (error: ExportError): Promise<ExportOutcome> => {
    await updateExport(deps.store, ref, owner, { status: 'failed', error, finishedAt: new Date(deps.now()).toISOString() }, ['leaseOwner', 'leaseUntil']);
    return { kind: 'done', status: 'failed', error };
  };

  try {
    let result: ReportResult;
    if (record.reportType === 'video-list') {
      const requestBody = request.requestBody as { max_count: number; cursor: number };
      let done = false;
      let stopped = false;
      let pagesNow = 0;
      await deps.pager.open({ tenantId: record.tenantId, datasourceId: record.datasourceId, fields }, async (page, name) => {
        displayName = name;
        while (!done) {
          if (deadlinePassed(opts.deadlineMs) || pagesNow >= deps.settings.pagesPerInvocation) {
            stopped = true;
            return;
          }
          if (record.pages >= EXPORT_LIMITS.maxPages) {
            throw new ExportTooLargeError(`The export would need more than ${EXPORT_LIMITS.maxPages} TikTok pages; use a larger requestBody.max_count or a later requestBody.cursor.`, { maxPages: EXPORT_LIMITS.maxPages });
          }
          const start = record.cursor ?? (requestBody.cursor === 0 ? undefined : requestBody.cursor);
          const res = await page(start, requestBody.max_count);
          pagesNow += 1;
          pending.push(...res.videos);
          record.pages += 1;
          record.fetched += res.videos.length;
          dirty = true;
          if (record.fetched > EXPORT_LIMITS.maxRows) {
            throw new ExportTooLargeError(`The account has more than ${EXPORT_LIMITS.maxRows} videos from this cursor, the most one export holds; export in ranges with requestBody.cursor.`, { maxRows: EXPORT_LIMITS.maxRows });
          }
          // The end, or a TikTok that repeats its cursor (it would loop forever): the listing is complete as far as TikTok goes.
          if (!res.hasMore || res.cursor === undefined || res.cursor === start) done = true;
          else record.cursor = res.cursor;
          if (pagesNow % EXPORT_LIMITS.pagesPerPart === 0) await flush();
        }
      });
      if (stopped) {
        await flush();
        record.continuations += 1;
        await release({ continuations: record.continuations });
        return { kind: 'continue', delaySeconds: 0 };
      }
      const stored: Video[] = [];
      for (let n = 0; n < record.parts; n++) stored.push(...(await readPart(deps, exportPartKey(record, n))));
      const seen = new Set<string>();
      const videos = [...stored, ...pending].filter((v) => {
        const id = String(v.id ?? '');
        if (!id) return true;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
      const cloud9ql = String(request.cloud9ql);
      const rows = deps.runCloud9QL(cloud9ql, { data: { videos, cursor: record.cursor ?? 0, has_more: false } });
      result = {
        rows,
        // As the report runner does: an empty result under the default query still has its header.
        columns: rows.length === 0 && cloud9ql === deps.defaultQuery('video-list') && fields.length ? [...fields] : columnsOf(rows),
        meta: {
          ...(displayName ? { account: { displayName } } : {}),
          reportType: 'video-list',
          datasourceId: record.datasourceId,
          fetchedAt: new Date(deps.now()).toISOString(),
          pages: record.pages,
          cursor: record.cursor ?? null,
          hasMore: false,
        },
      };
    } else {
      // One call (profile, video-query) or stored data (history): the report's own code path.
      result = await deps.reports.run({ tenantId: record.tenantId, datasourceId: record.datasourceId, reportType: record.reportType, request });
    }

    const rendered = deps.reports.render(result, record.format);
    const body = typeof rendered.body === 'string' ? Buffer.from(rendered.body, 'utf8') : Buffer.from(rendered.body);
    if (body.byteLength > EXPORT_LIMITS.maxBytes) {
      throw new ExportTooLargeError(`The rendered export is ${body.byteLength} bytes, over the ${EXPORT_LIMITS.maxBytes} an export may be; narrow it with Cloud9QL or fewer fields.`, { maxBytes: EXPORT_LIMITS.maxBytes });
    }
    const key = exportObjectKey(record, deps.reports.extension(record.format));
    await putDelivery(
      deps.s3,
      {
        bucket: deps.bucketName,
        key,
        body,
        contentType: rendered.contentType,
        metadata: { 'report-type': record.reportType, rows: String(result.rows.length), 'datasource-id': record.datasourceId, 'export-id': record.id },
      },
    );
    const finished = { status: 'succeeded', pages: record.pages, fetched: record.fetched, s3Key: key, rows: result.rows.length, bytes: body.byteLength, finishedAt: new Date(deps.now()).toISOString() };
    if (!(await updateExport(deps.store, ref, owner, finished, ['leaseOwner', 'leaseUntil', 'error']))) return { kind: 'skipped', reason: 'superseded' };
    return { kind: 'done', status: 'succeeded', rows: result.rows.length, bytes: body.byteLength };
  } catch (err) {
    if (err instanceof Superseded) return { kind: 'skipped', reason: 'superseded' };
    // Keep what was fetched, whatever happens next (a store failure here is the failure itself).
    let saveError: unknown;
    try {
      await flush();
    } catch (e) {
      if (e instanceof Superseded) return { kind: 'skipped', reason: 'superseded' };
      saveError = e;
    }
    // record.attempts counts the failed tries before this one: this is try attempts + 1.
    const attempts = record.attempts + 1;
    const decision = decideAfterFailure({ error: err, attempt: attempts, waits: record.waits, saveError }, outcomeSettings(deps.settings), deps.random);
    if (decision.kind === 'give-up') return fail(decision.error);
    if (decision.kind === 'quota-wait') {
      await release({ waits: record.waits + 1 });
      return { kind: 'wait', delaySeconds: decision.delaySeconds };
    }
    await release({ attempts, error: decision.error });
    return { kind: 'retry', delaySeconds: decision.delaySeconds, error: decision.error };
  }
}
